using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Pipeline;

/// <summary>
/// The <c>Pipeline</c> <see cref="ActivitySource"/> and <see cref="Meter"/>: one activity per logical call (every hop's
/// <c>System.Net.Http</c> activity is its child) and the call's metrics, with OpenTelemetry's HTTP client attribute
/// names. Nothing is recorded, and almost nothing costs, while nobody listens.
/// </summary>
internal static class PipelineTelemetry
{
    public const string Name = "Pipeline";

    private static readonly string? Version = typeof(PipelineTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    public static readonly ActivitySource Source = new(Name, Version);

    public static readonly Meter Meter = new(Name, Version);

    /// <summary>Seconds from the start of a call (<c>RequestAsync</c>, <c>SendAsync</c>) to its final response, body read unless streamed.</summary>
    public static readonly Histogram<double> CallDuration = Meter.CreateHistogram(
        "pipeline.client.call.duration",
        unit: "s",
        description: "Duration of a call: every redirect, retry and auth re-send until the final response.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] });

    public static readonly Counter<long> Redirects = Meter.CreateCounter<long>(
        "pipeline.client.redirects", unit: "{redirect}", description: "Redirects followed.");

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "pipeline.client.retries", unit: "{retry}", description: "Attempts sent again by the retry stage.");

    public static readonly Counter<long> CookiesRefused = Meter.CreateCounter<long>(
        "pipeline.cookies.refused", unit: "{cookie}", description: "Cookies a server or a file offered that were not stored, by reason.");

    public static readonly Counter<long> RateLimited = Meter.CreateCounter<long>(
        "pipeline.client.rate_limited", unit: "{request}", description: "Waits the rate-limit stage made (outcome waited: a limiter's retry-after hint or a host's Retry-After hold; a limiter's own queue is not counted) and requests it refused (outcome rejected).");

    /// <summary>Starts the call's activity, or returns null when no listener wants it.</summary>
    public static Activity? StartCall(HttpRequestMessage request)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity("Pipeline.Call", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            var uri = request.RequestUri;
            activity.DisplayName = request.Method.Method;
            activity.SetTag("http.request.method", request.Method.Method);
            activity.SetTag("url.full", Redaction.RedactForTelemetry(uri));
            if (uri is { IsAbsoluteUri: true })
            {
                activity.SetTag("server.address", uri.IdnHost);
                activity.SetTag("server.port", uri.Port);
            }
        }

        return activity;
    }

    /// <summary>Ends the call: the activity's outcome and the duration histogram.</summary>
    public static void StopCall(Activity? activity, HttpRequestMessage request, RequestContext context, Response? response, Exception? error, long started)
    {
        var status = response is null ? (int?)null : (int)response.StatusCode;
        var errorType = error is not null ? ErrorType(error) : status >= 400 ? status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        if (activity is not null)
        {
            if (activity.IsAllDataRequested)
            {
                activity.SetTag("http.response.status_code", status);
                activity.SetTag("pipeline.redirect_count", context.Redirects);
                activity.SetTag("pipeline.retry_count", context.Retries);
                if (errorType is not null)
                {
                    activity.SetTag("error.type", errorType);
                }
            }

            if (errorType is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, error?.GetType().Name);
            }

            activity.Stop();
        }

        if (CallDuration.Enabled)
        {
            var tags = new TagList
            {
                { "http.request.method", request.Method.Method },
                { "server.address", request.RequestUri is { IsAbsoluteUri: true } uri ? uri.IdnHost : null },
            };
            if (status is not null)
            {
                tags.Add("http.response.status_code", status);
            }

            if (errorType is not null)
            {
                tags.Add("error.type", errorType);
            }

            CallDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    // OpenTelemetry's error.type: the exception's full type name (Pipeline.ReadTimeoutException, ...).
    private static string ErrorType(Exception error) => error is OperationCanceledException ? "canceled" : error.GetType().FullName ?? error.GetType().Name;
}
