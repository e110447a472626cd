using System.Net.Http.Headers;

namespace Pipeline;

/// <summary>A fresh copy of a request for another attempt: a message can be sent only once.</summary>
internal static class RequestCopy
{
    /// <summary>Whether the body can be sent again: none, known bytes, or streams that can seek back.</summary>
    public static bool CanReplay(HttpRequestMessage request, RequestContext? context) =>
        request.Content is null || context?.Body is not null || context?.BodyStream is { CanSeek: true } || context?.BodyStreamsRewind == true;

    public static HttpRequestMessage Create(HttpRequestMessage original, RequestContext? context)
    {
        var copy = new HttpRequestMessage(original.Method, original.RequestUri)
        {
            Version = original.Version,
            VersionPolicy = original.VersionPolicy,
        };
        CopyHeaders(original.Headers, copy.Headers);
        if (original.Content is not null)
        {
            copy.Content = ReplayContent(original.Content, context);
        }

        foreach (var option in original.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }

        return copy;
    }

    /// <summary>
    /// The body for another send: known bytes as fresh content with the same headers; otherwise the same content, whose
    /// seekable stream StreamContent rewinds to where it started.
    /// </summary>
    public static HttpContent ReplayContent(HttpContent content, RequestContext? context)
    {
        if (context?.Body is not { } bytes)
        {
            return content;
        }

        var copy = new ByteArrayContent(bytes);
        CopyHeaders(content.Headers, copy.Headers);
        return copy;
    }

    /// <summary>Copies every header as it is, a single value without boxing its enumerator.</summary>
    public static void CopyHeaders(HttpHeaders source, HttpHeaders target)
    {
        foreach (var header in source.NonValidated)
        {
            AddHeader(target, header.Key, header.Value);
        }
    }

    public static void AddHeader(HttpHeaders target, string name, HeaderStringValues values)
    {
        if (values.Count == 1)
        {
            target.TryAddWithoutValidation(name, values.ToString());
        }
        else
        {
            target.TryAddWithoutValidation(name, (IEnumerable<string>)values);
        }
    }
}
