using System.Net.Http.Headers;

namespace Pipeline;

/// <summary>
/// The request headers of a message as one stage sent it, taken before the stages inside it add theirs, so that a
/// re-send (a retry attempt, an auth challenge answered) starts from what that stage sent and not from what the inner
/// stages made of it: a header a user stage adds on every attempt is sent once per attempt, never twice.
/// </summary>
internal sealed class HeaderSnapshot
{
    private readonly KeyValuePair<string, HeaderStringValues>[] _headers;

    private HeaderSnapshot(KeyValuePair<string, HeaderStringValues>[] headers)
    {
        _headers = headers;
    }

    /// <summary>Takes the headers as they are now; the values are immutable, so later changes to the message do not show.</summary>
    public static HeaderSnapshot Capture(HttpRequestHeaders headers)
    {
        var copy = new KeyValuePair<string, HeaderStringValues>[headers.NonValidated.Count];
        var i = 0;
        foreach (var header in headers.NonValidated)
        {
            copy[i++] = header;
        }

        return new HeaderSnapshot(copy);
    }

    /// <summary>Writes the captured headers to <paramref name="target"/>.</summary>
    public void CopyTo(HttpHeaders target)
    {
        foreach (var header in _headers)
        {
            RequestCopy.AddHeader(target, header.Key, header.Value);
        }
    }
}
