namespace Pipeline;

/// <summary>A fresh copy of a request for another attempt: a message can be sent only once.</summary>
internal static class RetryCopy
{
    /// <summary>Whether the body can be sent again: none, known bytes, or a stream that can seek back.</summary>
    public static bool CanReplay(HttpRequestMessage request, RequestContext? context) =>
        request.Content is null || context?.Body is not null || context?.BodyStream is { CanSeek: true };

    public static HttpRequestMessage Create(HttpRequestMessage original, RequestContext? context)
    {
        var copy = new HttpRequestMessage(original.Method, original.RequestUri)
        {
            Version = original.Version,
            VersionPolicy = original.VersionPolicy,
        };
        foreach (var header in original.Headers.NonValidated)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string>)header.Value);
        }

        if (original.Content is not null)
        {
            if (context?.Body is { } bytes)
            {
                copy.Content = new ByteArrayContent(bytes);
                foreach (var header in original.Content.Headers.NonValidated)
                {
                    copy.Content.Headers.TryAddWithoutValidation(header.Key, (IEnumerable<string>)header.Value);
                }
            }
            else
            {
                // A seekable stream: StreamContent rewinds it to where it started.
                copy.Content = original.Content;
            }
        }

        foreach (var option in original.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }

        return copy;
    }
}
