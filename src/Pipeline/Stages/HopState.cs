namespace Pipeline;

/// <summary>
/// Per-hop values carried in <see cref="HttpRequestMessage.Options"/> next to the <see cref="RequestContext"/>:
/// whether a redirect stripped the credentials, the netrc credentials of a redirect's new host, and the hop's proxy.
/// The hop's <see cref="Response"/> is on the context (<see cref="RequestContext.HopResponse"/>).
/// </summary>
internal static class HopState
{
    public static readonly HttpRequestOptionsKey<bool> AuthStrippedKey = new("Pipeline.AuthStripped");

    /// <summary>Credentials for this hop only, replacing the request's auth (netrc for a redirect's new host).</summary>
    public static readonly HttpRequestOptionsKey<Auth> AuthOverrideKey = new("Pipeline.AuthOverride");

    /// <summary>The proxy this hop goes through, chosen by the ProxyStage; the HttpAdapter keeps one pool per proxy.</summary>
    public static readonly HttpRequestOptionsKey<ProxySelection> ProxyKey = new("Pipeline.Proxy");

    /// <summary>The Response recorded for the request's latest hop, or null (no context, or no stage needed one yet).</summary>
    public static Response? FindResponse(HttpRequestMessage request) =>
        request.Options.TryGetValue(RequestContext.Key, out var context) ? context.HopResponse : null;

    /// <summary>Whether the request is a redirect hop: an earlier hop of its call has a recorded Response.</summary>
    public static bool IsRedirectHop(HttpRequestMessage request) =>
        request.Options.TryGetValue(RequestContext.Key, out var context) && context.HopResponse is not null && !ReferenceEquals(context.HopRequest, request);

    public static bool IsAuthStripped(HttpRequestMessage request) =>
        request.Options.TryGetValue(AuthStrippedKey, out var stripped) && stripped;
}
