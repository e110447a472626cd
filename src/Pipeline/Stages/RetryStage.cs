using System.Runtime.CompilerServices;
using Polly;
using Polly.Retry;

namespace Pipeline;

/// <summary>
/// Retries one hop with Polly as requests' <c>HTTPAdapter(max_retries=...)</c> does with urllib3's <c>Retry</c>: the
/// policy of the adapter mounted for the URL, else the session's.
/// </summary>
/// <remarks>
/// Each attempt sends a fresh copy of the request (a message is sent once); the body is replayed from its bytes or
/// rewound, and a request whose body cannot be replayed is sent once. Exhausted status retries are marked on the
/// request for the HooksStage, which throws <see cref="RetryException"/> with the finished <see cref="Response"/>.
/// </remarks>
internal sealed class RetryStage : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<RetryRules> RulesKey = new("Pipeline.RetryRules");
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("Pipeline.RetryRequest");

    private readonly RetryPolicy? _defaults;
    private readonly TimeProvider _time;
    private readonly ConditionalWeakTable<RetryPolicy, ResiliencePipeline<HttpResponseMessage>> _pipelines = [];

    /// <param name="defaults">The policy for a request sent without a session (a plain named HttpClient).</param>
    /// <param name="time">The clock the waits use.</param>
    public RetryStage(RetryPolicy? defaults = null, TimeProvider? time = null)
    {
        _defaults = defaults;
        _time = time ?? TimeProvider.System;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = request.Options.TryGetValue(RequestContext.Key, out var c) ? c : null;
        var policy = ChoosePolicy(request, context);
        if (policy is not { Total: > 0 } || !RetryCopy.CanReplay(request, context))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var rules = new RetryRules(policy, request.Method.Method);
        var resilience = ResilienceContextPool.Shared.Get(cancellationToken);
        resilience.Properties.Set(RulesKey, rules);
        resilience.Properties.Set(RequestKey, request);
        try
        {
            var attempt = 0;
            var response = await _pipelines.GetValue(policy, Build).ExecuteAsync(
                async (ctx, state) =>
                {
                    var message = attempt++ == 0 ? state.Request : RetryCopy.Create(state.Request, state.Context);
                    return await state.Stage.SendOnceAsync(message, ctx.CancellationToken).ConfigureAwait(false);
                },
                resilience,
                (Request: request, Context: context, Stage: this)).ConfigureAwait(false);

            if (rules.ExhaustedStatus is { } status && policy.RaiseOnStatus)
            {
                var message = $"Max retries exceeded with url: {Redaction.RedactUrl(request.RequestUri?.PathAndQuery ?? string.Empty)} "
                    + $"(Caused by ResponseError('too many {(int)status} error responses'))";
                if (context is null)
                {
                    response.Dispose();
                    throw new RetryException(message);
                }

                (response.RequestMessage ?? request).Options.Set(HopState.RetryExhaustedKey, message);
            }

            return response;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(resilience);
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Pipeline is async-only; use SendAsync.");

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private RetryPolicy? ChoosePolicy(HttpRequestMessage request, RequestContext? context)
    {
        if (context is null)
        {
            return _defaults;
        }

        var url = request.RequestUri?.OriginalString ?? string.Empty;
        return AdapterMap.Find(context.Adapters, url)?.Handler is HttpAdapter { MaxRetries: { } adapterPolicy } ? adapterPolicy : context.Retry;
    }

    private ResiliencePipeline<HttpResponseMessage> Build(RetryPolicy policy) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                // The counters in RetryRules decide; Polly's own limit is only a backstop.
                MaxRetryAttempts = int.MaxValue,
                UseJitter = false,
                ShouldHandle = args =>
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
                DelayGenerator = args =>
                {
                    var rules = args.Context.Properties.GetValue(RulesKey, null!);
                    var response = args.Outcome is { Exception: null, Result: { } result } ? result : null;
                    return ValueTask.FromResult<TimeSpan?>(rules.Delay(response, Random.Shared.NextDouble()));
                },
            })
            .Build();
}
