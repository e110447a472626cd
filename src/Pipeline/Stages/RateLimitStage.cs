using System.Diagnostics;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline;

/// <summary>
/// Takes a permit of the session's rate limiters for every attempt (it sits inside the retry stage), and keeps a host
/// that answered 429 or 503 with <c>Retry-After</c> alone for that long; waits or fails as <see cref="RateLimitOptions.Behavior"/>
/// says. The limiters, the options and the table of held hosts arrive in the request's context; the permits are
/// released once the response head has arrived.
/// </summary>
internal sealed partial class RateLimitStage : DelegatingHandler
{
    private readonly RateLimiter? _limiter;
    private readonly PartitionedRateLimiter<HttpRequestMessage>? _partitioned;
    private readonly RateLimitOptions? _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="defaults">The named session's settings, for a request sent without a session (a plain named HttpClient).</param>
    /// <param name="logger">Where waits and refusals are logged, or null.</param>
    public RateLimitStage(SessionSettings? defaults = null, ILogger<RateLimitStage>? logger = null)
    {
        _limiter = defaults?.RateLimiter;
        _partitioned = defaults?.PartitionedRateLimiter;
        _options = defaults?.RateLimit;
        _time = defaults?.TimeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = request.Options.TryGetValue(RequestContext.Key, out var c) ? c : null;
        var limiter = context is null ? _limiter : context.RateLimiter;
        var partitioned = context is null ? _partitioned : context.PartitionedRateLimiter;
        var options = context is null ? _options : context.RateLimit;
        if (limiter is null && partitioned is null && options is null)
        {
            return base.SendAsync(request, cancellationToken);
        }

        // Only a session keeps held hosts: a plain HttpClient has nowhere to remember them between requests.
        var holds = (options ?? RateLimitOptions.Defaults).HoldOnRetryAfter ? context?.RetryAfterHolds : null;
        return SendLimitedAsync(request, context, limiter, partitioned, options ?? RateLimitOptions.Defaults, holds, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");

    private async Task<HttpResponseMessage> SendLimitedAsync(
        HttpRequestMessage request, RequestContext? context, RateLimiter? limiter, PartitionedRateLimiter<HttpRequestMessage>? partitioned,
        RateLimitOptions options, RetryAfterHolds? holds, CancellationToken cancellationToken)
    {
        var host = holds is null ? null : RetryAfterHolds.HostKey(request.RequestUri);
        if (host is not null)
        {
            await WaitOutHoldAsync(request, context, holds!, host, options, cancellationToken).ConfigureAwait(false);
        }

        RateLimitLease? lease = null;
        RateLimitLease? hostLease = null;
        try
        {
            if (limiter is not null)
            {
                lease = await AcquireAsync(request, context, options, limiter, null, cancellationToken).ConfigureAwait(false);
            }

            if (partitioned is not null)
            {
                hostLease = await AcquireAsync(request, context, options, null, partitioned, cancellationToken).ConfigureAwait(false);
            }

            context?.CallDeadline?.Step = CallStep.Sending;
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (host is not null && RateLimitRules.Hold(response, _time.GetUtcNow(), options.MaxHold) is { } hold && hold > TimeSpan.Zero)
            {
                var now = _time.GetUtcNow();
                holds!.Hold(host, now + hold, now);
                Log.Holding(_logger, host, (int)response.StatusCode, hold);
            }

            return response;
        }
        finally
        {
            hostLease?.Dispose();
            lease?.Dispose();
        }
    }

    private async Task WaitOutHoldAsync(HttpRequestMessage request, RequestContext? context, RetryAfterHolds holds, string host, RateLimitOptions options, CancellationToken cancellationToken)
    {
        while (holds.Remaining(host, _time.GetUtcNow()) is { } remaining)
        {
            if (options.Behavior == RateLimitBehavior.FailFast)
            {
                Count(request, "rejected", "retry_after", remaining);
                throw new RateLimitExceededException(
                    $"Rate limit: {host} asked for no requests for another {CallDeadline.Format(remaining)} (Retry-After); {request.Method.Method} {Redaction.RedactForTelemetry(request.RequestUri)} was not sent.",
                    Prepared(request, context),
                    remaining);
            }

            Count(request, "waited", "retry_after", remaining);
            context?.CallDeadline?.Step = CallStep.WaitingForHold;
            await Task.Delay(remaining, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    // One limiter at a time: the session's, then the host's partition. A refusal with a hint is asked again after it
    // (Wait), or fails (FailFast); a refusal without one fails, as nobody says when a permit comes.
    private async ValueTask<RateLimitLease> AcquireAsync(
        HttpRequestMessage request, RequestContext? context, RateLimitOptions options, RateLimiter? limiter, PartitionedRateLimiter<HttpRequestMessage>? partitioned,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var pending = limiter is not null ? limiter.AcquireAsync(1, cancellationToken) : partitioned!.AcquireAsync(request, 1, cancellationToken);
            if (!pending.IsCompleted)
            {
                // In the limiter's queue, or asking a distributed limiter.
                context?.CallDeadline?.Step = CallStep.WaitingForPermit;
            }

            var lease = await pending.ConfigureAwait(false);
            if (lease.IsAcquired)
            {
                return lease;
            }

            var hint = RateLimitRules.RetryAfter(lease);
            lease.Dispose();
            if (options.Behavior == RateLimitBehavior.FailFast || hint is null)
            {
                Count(request, "rejected", "limiter", hint);
                var after = hint is { } h ? $"; retry after {CallDeadline.Format(h)}" : " and did not say when one is free";
                throw new RateLimitExceededException(
                    $"Rate limit: no permit for {request.Method.Method} {Redaction.RedactForTelemetry(request.RequestUri)}{after}. The request was not sent.",
                    Prepared(request, context),
                    hint);
            }

            var wait = RateLimitRules.WaitBeforeAsking(hint.Value);
            Count(request, "waited", "limiter", wait);
            context?.CallDeadline?.Step = CallStep.WaitingForPermit;
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static PreparedRequest Prepared(HttpRequestMessage request, RequestContext? context) =>
        PreparedRequest.FromMessage(request, request.Content is null ? null : context?.Body);

    private void Count(HttpRequestMessage request, string outcome, string reason, TimeSpan? wait)
    {
        if (PipelineTelemetry.RateLimited.Enabled)
        {
            var uri = request.RequestUri;
            var tags = new TagList
            {
                { "outcome", outcome },
                { "pipeline.rate_limit.reason", reason },
                { "server.address", uri is { IsAbsoluteUri: true } ? uri.IdnHost : null },
                { "server.port", uri is { IsAbsoluteUri: true } ? uri.Port : null },
            };
            PipelineTelemetry.RateLimited.Add(1, tags);
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            var url = Redaction.RedactForTelemetry(request.RequestUri);
            var shown = wait is { } w ? CallDeadline.Format(w) : "unknown";
            Log.RateLimited(_logger, request.Method.Method, url, outcome, reason, shown);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 70, EventName = "RateLimited", Level = LogLevel.Debug,
            Message = "Rate limit: {Method} {Url} {Outcome} ({Reason}); wait {Wait}.")]
        public static partial void RateLimited(ILogger logger, string method, string url, string outcome, string reason, string wait);

        [LoggerMessage(EventId = 71, EventName = "RetryAfterHold", Level = LogLevel.Debug,
            Message = "Rate limit: {Host} answered {Status} with Retry-After; its requests wait {Hold}.")]
        public static partial void Holding(ILogger logger, string host, int status, TimeSpan hold);
    }
}
