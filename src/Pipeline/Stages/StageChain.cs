using Microsoft.Extensions.Logging;

namespace Pipeline;

/// <summary>
/// The one place that knows the stage order. <c>new Session()</c> links these stages itself; a named session gets
/// the same list from IHttpClientFactory. The cache stage follows the user stages, then the retry stage takes its place
/// before the proxy stage, and the rate-limit stage sits inside it, so every attempt takes a permit.
/// </summary>
internal static class StageChain
{
    /// <summary>Creates the stages, outermost first, with <paramref name="userStages"/> where ARCHITECTURE.md puts them.</summary>
    /// <param name="defaults">The named session's settings, used when a request carries no session (a plain HttpClient).</param>
    /// <param name="userStages">The user's stages, outermost first.</param>
    /// <param name="loggerFactory">Where the stages log, or null for nowhere.</param>
    /// <param name="instanceName">The named session's name, for telemetry, or null.</param>
    public static List<DelegatingHandler> CreateStages(SessionSettings? defaults, IEnumerable<DelegatingHandler> userStages, ILoggerFactory? loggerFactory = null, string? instanceName = null)
    {
        var stages = new List<DelegatingHandler>
        {
            new ParamsStage(defaults?.Params),
            new HeadersStage(defaults?.Headers),
            new RedirectStage(defaults?.MaxRedirects ?? 30, loggerFactory?.CreateLogger<RedirectStage>()),
            new CookieStage(defaults?.TimeProvider, loggerFactory?.CreateLogger<CookieStage>()),
            new HooksStage(),
            new AuthStage(defaults?.Auth, loggerFactory?.CreateLogger<AuthStage>()),
        };
        stages.AddRange(userStages);
        stages.Add(new CacheStage(defaults?.Cache, loggerFactory?.CreateLogger<CacheStage>()));
        stages.Add(new RetryStage(defaults?.Retry, defaults?.TimeProvider, loggerFactory, instanceName));
        stages.Add(new RateLimitStage(defaults, loggerFactory?.CreateLogger<RateLimitStage>()));
        stages.Add(new ProxyStage(defaults, loggerFactory?.CreateLogger<ProxyStage>()));
        return stages;
    }

    /// <summary>Links stages in order over <paramref name="primary"/> and returns the outermost handler.</summary>
    public static HttpMessageHandler Link(IReadOnlyList<DelegatingHandler> stages, HttpMessageHandler primary)
    {
        var inner = primary;
        for (var i = stages.Count - 1; i >= 0; i--)
        {
            stages[i].InnerHandler = inner;
            inner = stages[i];
        }

        return inner;
    }
}
