namespace Pipeline.Tests.Infrastructure;

/// <summary>Builds RequestContext instances for single-stage tests.</summary>
internal static class Contexts
{
    // mounts: the prefixes at which adapter (or a plain StubHandler) is mounted, so redirects find an adapter;
    // when null, adapter alone is mounted at http://.
    public static RequestContext With(
        HeaderMap? headers = null,
        Auth? auth = null,
        HttpMessageHandler? adapter = null,
        string[]? mounts = null,
        CookieJar? cookies = null,
        IDictionary<string, string>? requestCookies = null,
        HookMap? hooks = null,
        bool allowRedirects = true,
        int maxRedirects = 30,
        bool stream = false,
        byte[]? body = null,
        Stream? bodyStream = null)
    {
        var adapters = new AdapterMap();
        if (mounts is not null)
        {
            var mounted = adapter ?? new StubHandler();
            foreach (var prefix in mounts)
            {
                adapters.Mount(prefix, mounted);
            }
        }
        else if (adapter is not null)
        {
            adapters.Mount("http://", adapter);
        }

        return new RequestContext
        {
            Headers = headers,
            Auth = auth,
            Cookies = cookies ?? new CookieJar(),
            RequestCookies = requestCookies,
            Hooks = hooks ?? new HookMap(),
            Proxies = new ProxyMap(),
            Verify = Verify.Enabled,
            Adapters = adapters.Snapshot,
            JsonOptions = System.Text.Json.JsonSerializerOptions.Default,
            AllowRedirects = allowRedirects,
            MaxRedirects = maxRedirects,
            Stream = stream,
            Body = body,
            BodyStream = bodyStream,
            BodyStreamStart = bodyStream is { CanSeek: true } ? bodyStream.Position : null,
        };
    }
}
