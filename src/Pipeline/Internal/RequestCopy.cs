using System.Net.Http.Headers;

namespace Pipeline;

/// <summary>
/// A fresh copy of a request for another attempt (a retry, an auth challenge answered, a 307/308): a message can be sent
/// only once (dotnet/extensions' <c>RequestMessageSnapshot</c> plays the same part).
/// </summary>
internal static class RequestCopy
{
    /// <summary>Whether the body can be sent again: none, known bytes, or streams that can seek back.</summary>
    public static bool CanReplay(HttpRequestMessage request, RequestContext? context) =>
        request.Content is null || context?.Body is not null || context?.BodyStream is { CanSeek: true } || context?.BodyStreamsRewind == true;

    /// <summary>Copies <paramref name="original"/> with the headers it had when <paramref name="sent"/> was taken.</summary>
    /// <param name="original">The request sent before.</param>
    /// <param name="context">Its context, for the body's bytes or stream.</param>
    /// <param name="sent">The headers as the copying stage sent them, before the stages inside it added theirs.</param>
    public static HttpRequestMessage Create(HttpRequestMessage original, RequestContext? context, HeaderSnapshot sent)
    {
        var copy = new HttpRequestMessage(original.Method, original.RequestUri)
        {
            Version = original.Version,
            VersionPolicy = original.VersionPolicy,
        };
        sent.CopyTo(copy.Headers);
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
            Rewind(context);
            return content;
        }

        var copy = new ByteArrayContent(bytes);
        CopyHeaders(content.Headers, copy.Headers);
        return copy;
    }

    /// <summary>
    /// Seeks the caller's body stream back to where it started (requests' <c>rewind_body</c>); StreamContent would do it
    /// too, but inside the transport, where a failure reads as a broken connection.
    /// </summary>
    /// <exception cref="UnrewindableBodyException">The stream's position was unknown or the seek failed.</exception>
    private static void Rewind(RequestContext? context)
    {
        if (context?.BodyStream is not { CanSeek: true } stream)
        {
            return;
        }

        if (context.BodyStreamStart is not { } start)
        {
            throw new UnrewindableBodyException("Unable to rewind request body for redirect.");
        }

        try
        {
            stream.Seek(start, SeekOrigin.Begin);
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException or ObjectDisposedException or ArgumentException)
        {
            throw new UnrewindableBodyException("An error occurred when rewinding request body for redirect.", ex);
        }
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
