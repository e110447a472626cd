namespace Pipeline.Tests.Infrastructure;

/// <summary>Builds RequestContext instances for single-stage tests.</summary>
internal static class Contexts
{
    public static RequestContext With(QueryParams? parameters = null, HeaderMap? headers = null, Auth? auth = null, HttpMessageHandler? adapter = null)
    {
        var adapters = new AdapterMap();
        if (adapter is not null)
        {
            adapters.Mount("http://", adapter);
        }

        return new RequestContext
        {
            Params = parameters,
            Headers = headers,
            Auth = auth,
            Cookies = new CookieJar(),
            Hooks = new HookMap(),
            Proxies = new ProxyMap(),
            Verify = Verify.Enabled,
            Adapters = adapters.Snapshot,
            JsonOptions = System.Text.Json.JsonSerializerOptions.Default,
        };
    }
}
