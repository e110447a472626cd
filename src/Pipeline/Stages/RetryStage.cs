using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace Pipeline;

/// <summary>
/// Retries one hop with Polly as requests' <c>HTTPAdapter(max_retries=...)</c> does with urllib3's <c>Retry</c>: the
/// policy of the adapter mounted for the URL, else the session's.
/// </summary>
/// <remarks>
/// One Polly pipeline serves every policy: it holds no counts of its own, and each hop's <see cref="RetryRules"/>
/// (urllib3's counters) rides in the <see cref="ResilienceContext"/> and decides whether and how long to wait. Each
/// attempt after the first sends a fresh copy of the request (a message is sent once), its body replayed from its
/// bytes or rewound; a request whose body cannot be replayed is sent once. Polly disposes a response it retries.
/// When status retries run out this stage throws <see cref="RetryException"/> with the last <see cref="Response"/>, as
/// requests raises <c>RetryError</c> inside <c>send</c>.
/// </remarks>
internal sealed partial class RetryStage : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<RetryRules> RulesKey = new("Pipeline.RetryRules");
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("Pipeline.RetryRequest");

    private readonly RetryPolicy? _defaults;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <param name="defaults">The policy for a request sent without a session (a plain named HttpClient).</param>
    /// <param name="time">The clock the waits use, and that an HTTP-date Retry-After is read against.</param>
    /// <param name="loggerFactory">Where each retry is logged, and Polly's resilience telemetry goes; or null.</param>
    /// <param name="instanceName">The session's name, for Polly's telemetry (<c>pipeline.instance</c>), or null.</param>
    public RetryStage(RetryPolicy? defaults = null, TimeProvider? time = null, ILoggerFactory? loggerFactory = null, string? instanceName = null)
    {
        _defaults = defaults;
        _time = time ?? TimeProvider.System;
        _pipeline = Build(_time, loggerFactory ?? NullLoggerFactory.Instance, instanceName);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = request.Options.TryGetValue(RequestContext.Key, out var c) ? c : null;
        var policy = ChoosePolicy(request, context);
        if (policy is null || CannotRetryOrRaise(policy) || !RequestCopy.CanReplay(request, context))
        {
            // Nothing to retry: the hop passes straight through, with no state machine or Task of this stage's own.
            return base.SendAsync(request, cancellationToken);
        }

        return SendWithRetriesAsync(request, context, policy, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");

    private async Task<HttpResponseMessage> SendWithRetriesAsync(HttpRequestMessage request, RequestContext? context, RetryPolicy policy, CancellationToken cancellationToken)
    {
        var rules = new RetryRules(policy, request.Method.Method, _time);

        // Each attempt starts from the request as this stage sent it, not as the stages inside left it.
        var sent = HeaderSnapshot.Capture(request.Headers);
        var resilience = ResilienceContextPool.Shared.Get(cancellationToken);
        resilience.Properties.Set(RulesKey, rules);
        resilience.Properties.Set(RequestKey, request);
        try
        {
            var response = await _pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    var message = state.Rules.Retries == 0 ? state.Request : RequestCopy.Create(state.Request, state.Context, state.Sent);
                    state.Context?.CallDeadline?.OnAttempt(state.Rules.Retries + 1);
                    return await state.Stage.SendOnceAsync(message, ctx.CancellationToken).ConfigureAwait(false);
                },
                resilience,
                (Request: request, Context: context, Rules: rules, Sent: sent, Stage: this)).ConfigureAwait(false);

            if (rules.ExhaustedStatus is { } status && policy.RaiseOnStatus)
            {
                await RaiseExhaustedAsync(request, response, context, status, cancellationToken).ConfigureAwait(false);
            }

            return response;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(resilience);
        }
    }

    /// <summary>
    /// requests raises <c>RetryError</c> from the adapter when status retries run out, before any hook or the cookie stage
    /// sees the response; with urllib3's <c>MaxRetryError</c> text. The last response rides along, its body read.
    /// </summary>
    private static async Task RaiseExhaustedAsync(HttpRequestMessage request, HttpResponseMessage response, RequestContext? context, HttpStatusCode status, CancellationToken cancellationToken)
    {
        var message = $"Max retries exceeded with url: {Redaction.RedactUrl(request.RequestUri?.PathAndQuery ?? string.Empty)} "
            + $"(Caused by ResponseError('too many {(int)status} error responses'))";
        if (context is null)
        {
            response.Dispose();
            throw new RetryException(message);
        }

        var last = await ResponseBuilder.BuildAsync(request, response, context, cancellationToken).ConfigureAwait(false);
        throw new RetryException(message, null, last.Request, last);
    }

    /// <summary>requests' default <c>Retry(0)</c> with no force-list: nothing to retry and no status to raise on, so no Polly.</summary>
    private static bool CannotRetryOrRaise(RetryPolicy policy) => policy.Total == 0 && policy.StatusForcelist.Count == 0;

    // Polly's resilience telemetry (the "Polly" meter and its log events), as Microsoft.Extensions.Http.Resilience emits it.
    private static ResiliencePipeline<HttpResponseMessage> Build(TimeProvider time, ILoggerFactory loggerFactory, string? instanceName)
    {
        var logger = loggerFactory.CreateLogger<RetryStage>();
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time, Name = "Pipeline.Retry", InstanceName = instanceName }
            .ConfigureTelemetry(loggerFactory)
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                // The counters in RetryRules decide when to stop; int.MaxValue is Polly's "retry until told not to".
                MaxRetryAttempts = int.MaxValue,
                UseJitter = false,
                ShouldHandle = static args =>
                {
                    var rules = args.Context.Properties.GetValue(RulesKey, null!);
                    return ValueTask.FromResult(args.Outcome switch
                    {
                        { Exception: OperationCanceledException } => false,
                        { Exception: { } exception } => rules.ShouldRetry(exception),
                        { Result: { } response } => rules.ShouldRetry(response),
                        _ => false,
                    });
                },
                DelayGenerator = static args =>
                {
                    var rules = args.Context.Properties.GetValue(RulesKey, null!);
                    var response = args.Outcome is { Exception: null, Result: { } result } ? result : null;
                    return ValueTask.FromResult<TimeSpan?>(rules.Delay(response, Random.Shared.NextDouble()));
                },
                OnRetry = args =>
                {
                    var request = args.Context.Properties.GetValue(RequestKey, null!);
                    if (request.Options.TryGetValue(RequestContext.Key, out var context))
                    {
                        context.Retries++;
                        context.CallDeadline?.Step = CallStep.WaitingToRetry;
                    }

                    if (PipelineTelemetry.Retries.Enabled)
                    {
                        PipelineTelemetry.Retries.Add(1, new KeyValuePair<string, object?>("error.type", RetryReason(args.Outcome)));
                    }

                    LogRetry(logger, args);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    // The reason names a status or an exception type with its message (a host and port, never credentials); the URL
    // is shown without user information or query values.
    private static void LogRetry(ILogger logger, OnRetryArguments<HttpResponseMessage> args)
    {
        if (logger.IsEnabled(LogLevel.Debug))
        {
            var request = args.Context.Properties.GetValue(RequestKey, null!);
            var reason = args.Outcome.Exception is { } exception
                ? $"{exception.GetType().Name}: {exception.Message}"
                : $"status {RetriedStatus(args.Outcome)}";
            var url = Redaction.RedactForTelemetry(request.RequestUri);
            Log.Retrying(logger, request.Method.Method, url, args.AttemptNumber + 1, reason, args.RetryDelay);
        }
    }

    // OpenTelemetry's error.type for what was retried: the status code, or the exception's full type name.
    private static string RetryReason(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception
            ? exception.GetType().FullName ?? exception.GetType().Name
            : RetriedStatus(outcome).ToString(System.Globalization.CultureInfo.InvariantCulture);

    // Polly's outcome holds either an exception or the response that was retried (never a pending task).
    private static int RetriedStatus(Outcome<HttpResponseMessage> outcome) =>
        outcome is { Result: { } response } ? (int)response.StatusCode : 0;

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, EventName = "Retry", Level = LogLevel.Debug,
            Message = "Retrying {Method} {Url} (retry {Retry}) after {Reason}; waiting {Delay}.")]
        public static partial void Retrying(ILogger logger, string method, string url, int retry, string reason, TimeSpan delay);
    }

    private RetryPolicy? ChoosePolicy(HttpRequestMessage request, RequestContext? context)
    {
        if (context is null)
        {
            return _defaults;
        }

        // requests' get_adapter: the adapter mounted for the URL brings its own max_retries.
        var url = request.RequestUri?.OriginalString ?? string.Empty;
        return AdapterMap.Find(context.Adapters, url)?.Handler is HttpAdapter { MaxRetries: { } adapterPolicy } ? adapterPolicy : context.Retry;
    }
}
