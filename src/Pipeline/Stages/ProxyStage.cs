using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline;

/// <summary>
/// Chooses the proxy of every hop (request &gt; session &gt; environment, NO_PROXY), so a redirect to another host is
/// re-resolved in full; the transport keeps one connection pool per proxy. A request reads each proxy variable of the
/// environment once, on its first hop that needs it (<see cref="ProxyEnvironment"/>).
/// </summary>
/// <remarks>
/// Credentials from the proxy URL become <c>Proxy-Authorization: Basic</c> for plain-http targets (requests'
/// <c>proxy_headers</c>) and the CONNECT credentials for https ones. A Proxy-Authorization header never travels to an
/// origin: it is removed when no proxy is used, and for https targets, where it would go through the tunnel.
/// </remarks>
internal sealed partial class ProxyStage : DelegatingHandler
{
    private readonly ProxyMap? _defaults;
    private readonly bool _defaultTrustEnv;
    private readonly ILogger _logger;

    /// <param name="defaults">The named session's settings, for a request sent without a session (a plain HttpClient).</param>
    /// <param name="logger">Where the proxy chosen for each hop is logged, or null.</param>
    public ProxyStage(SessionSettings? defaults = null, ILogger<ProxyStage>? logger = null)
    {
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _defaults = defaults is null ? null : new ProxyMap(defaults.Proxies);
        _defaultTrustEnv = defaults?.TrustEnv ?? false;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var selection = request.RequestUri is not { } uri ? null
            : request.Options.TryGetValue(RequestContext.Key, out var context)
                ? ProxyRules.ChooseProxy(uri, context.Proxies, context.TrustEnv, context.TrustEnv ? context.ProxyEnvironment ??= new() : null)
                : ProxyRules.ChooseProxy(uri, _defaults, _defaultTrustEnv);

        var options = (IDictionary<string, object?>)request.Options;
        if (selection is null)
        {
            options.Remove(HopState.ProxyKey.Key);
            request.Headers.Remove("Proxy-Authorization");
        }
        else
        {
            request.Options.Set(HopState.ProxyKey, selection);
            if (request.RequestUri!.Scheme == Uri.UriSchemeHttps)
            {
                request.Headers.Remove("Proxy-Authorization");
            }
            else
            {
                selection.Auth?.Apply(request);
            }
        }

        if (selection is not null && _logger.IsEnabled(LogLevel.Debug))
        {
            var proxy = Redaction.RedactForTelemetry(selection.Url);
            Log.ProxyChosen(_logger, proxy, request.RequestUri?.Authority ?? string.Empty);
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 50, EventName = "Proxy", Level = LogLevel.Debug, Message = "Sending the request for {Target} through the proxy {Proxy}.")]
        public static partial void ProxyChosen(ILogger logger, string proxy, string target);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");
}
