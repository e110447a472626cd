using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline;

/// <summary>Runs the request's auth scheme on every hop: up-front credentials, and any answer to a challenge.</summary>
internal sealed partial class AuthStage : DelegatingHandler
{
    private readonly Auth? _defaults;
    private readonly ILogger _logger;
    private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _next;

    /// <param name="defaults">Auth for a request sent without a session (a plain named HttpClient).</param>
    /// <param name="logger">Where answered challenges are logged, or null.</param>
    public AuthStage(Auth? defaults = null, ILogger<AuthStage>? logger = null)
    {
        _defaults = ReferenceEquals(defaults, Auth.None) ? null : defaults;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _next = base.SendAsync;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var auth = request.Options.TryGetValue(RequestContext.Key, out var context) ? context.Auth : _defaults;

        // After a redirect to another host, scheme or port the credentials stay off (requests' rebuild_auth).
        if (HopState.IsAuthStripped(request))
        {
            auth = request.Options.TryGetValue(HopState.AuthOverrideKey, out var netrc) ? netrc : null;
        }

        if (auth is null)
        {
            return base.SendAsync(request, cancellationToken);
        }

        return _logger.IsEnabled(LogLevel.Debug) ? SendLoggedAsync(auth, request, cancellationToken) : auth.SendAsync(request, _next, cancellationToken);
    }

    // An auth scheme that answered a challenge sent a copy of the request carrying the 401s it answered.
    private async Task<HttpResponseMessage> SendLoggedAsync(Auth auth, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await auth.SendAsync(request, _next, cancellationToken).ConfigureAwait(false);
        if (response.RequestMessage is { } sent && !ReferenceEquals(sent, request) && sent.Options.TryGetValue(AuthRetry.HistoryKey, out var challenges))
        {
            var url = Redaction.RedactForTelemetry(request.RequestUri);
            Log.ChallengeAnswered(_logger, auth.GetType().Name, url, challenges.Count, (int)response.StatusCode);
        }

        return response;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 30, EventName = "AuthChallenge", Level = LogLevel.Debug,
            Message = "{Scheme} answered {Challenges} challenge(s) from {Url}; the server then said {Status}.")]
        public static partial void ChallengeAnswered(ILogger logger, string scheme, string url, int challenges, int status);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");
}
