namespace Pipeline;

/// <summary>
/// Per-hop values carried in <see cref="HttpRequestMessage.Options"/> next to the <see cref="RequestContext"/>:
/// the hop's <see cref="Response"/> (set by the HooksStage, read by the stages outside it) and whether a redirect
/// stripped the credentials.
/// </summary>
internal static class HopState
{
    public static readonly HttpRequestOptionsKey<Response> ResponseKey = new("Pipeline.Response");

    public static readonly HttpRequestOptionsKey<bool> AuthStrippedKey = new("Pipeline.AuthStripped");

    /// <summary>Credentials for this hop only, replacing the request's auth (netrc for a redirect's new host).</summary>
    public static readonly HttpRequestOptionsKey<Auth> AuthOverrideKey = new("Pipeline.AuthOverride");

    /// <summary>Set by the RetryStage when status retries ran out; the HooksStage turns it into a RetryException.</summary>
    public static readonly HttpRequestOptionsKey<string> RetryExhaustedKey = new("Pipeline.RetryExhausted");

    /// <summary>The proxy this hop goes through, chosen by the ProxyStage; the HttpAdapter keeps one pool per proxy.</summary>
    public static readonly HttpRequestOptionsKey<ProxySelection> ProxyKey = new("Pipeline.Proxy");

    public static Response? FindResponse(HttpRequestMessage request) =>
        request.Options.TryGetValue(ResponseKey, out var response) ? response : null;

    public static bool IsAuthStripped(HttpRequestMessage request) =>
        request.Options.TryGetValue(AuthStrippedKey, out var stripped) && stripped;
}

/// <summary>A proxy for one hop: its URL without user information, and the credentials that user information carried.</summary>
internal sealed record ProxySelection(Uri Url, System.Net.NetworkCredential? Credentials);
