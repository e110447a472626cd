using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Pipeline;
using Pipeline.Tests.Reliability;

// The soak behind scripts/soak.sh: load figures at 1, 16 and 64 callers, then a long run of mixed faults on one session
// against the Reliability tests' FaultServer on 127.0.0.1, sampling sockets (/proc/self/fd), heap after a full GC and
// errors over time. Exits 1 when an error is not the fault's documented exception, or sockets or heap keep growing.
//   dotnet run -c Release --project benchmarks/Pipeline.Soak -- [--requests N] [--callers N] [--load-seconds N] [--no-load]
var requests = Option("--requests", 20_000);
var callers = Option("--callers", 16);
var loadSeconds = Option("--load-seconds", 5);
var culture = CultureInfo.InvariantCulture;

await using var server = new FaultServer();
Console.WriteLine($"Pipeline soak: .NET {Environment.Version}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");

if (!args.Contains("--no-load"))
{
    Console.WriteLine();
    Console.WriteLine($"## Load: GET /ok (keep-alive, 2-byte body), one session, {loadSeconds} s per row");
    Console.WriteLine();
    Console.WriteLine("| Callers | Requests/s | p50 | p99 | Errors |");
    Console.WriteLine("|---:|---:|---:|---:|---:|");
    foreach (var load in new[] { 1, 16, 64 })
    {
        using var session = new Session { TrustEnv = false };
        await RunLoadAsync(session, load, TimeSpan.FromSeconds(1), record: false);
        var (rate, p50, p99, errors) = await RunLoadAsync(session, load, TimeSpan.FromSeconds(loadSeconds), record: true);
        Console.WriteLine(string.Create(culture, $"| {load} | {rate:N0} | {p50:F2} ms | {p99:F2} ms | {errors} |"));
    }
}

// The mix: 9 requests in 10 are GET /ok (buffered or streamed), the tenth one of the faults, a stall 1 time in 1,000.
var faults = FaultServer.FaultPaths.Where(p => p is not "/stall-head" and not "/stall-body").ToArray();
var unexpected = new ConcurrentQueue<string>();
var byOutcome = new ConcurrentDictionary<string, int>();
var done = 0;
var samples = new List<(int Done, int Fds, long Heap, int Unexpected, double Seconds)>();
using var soakSession = new Session { TrustEnv = false, MaxRedirects = 3 };
var clock = Stopwatch.StartNew();
samples.Add(Sample(0));

Console.WriteLine();
Console.WriteLine($"## Soak: {requests:N0} requests, {callers} callers, one session, 10% faults");
Console.WriteLine();
Console.WriteLine("| Requests | Seconds | Sockets (fds) | Heap after full GC | Unexpected errors |");
Console.WriteLine("|---:|---:|---:|---:|---:|");
PrintSample(samples[0]);
var next = 0;
var step = Math.Max(requests / 10, 1);
var sampling = new SemaphoreSlim(1, 1);
await Parallel.ForEachAsync(Enumerable.Range(0, callers), new ParallelOptions { MaxDegreeOfParallelism = callers }, async (caller, ct) =>
{
    var random = new Random(caller);
    while (Interlocked.Increment(ref next) <= requests)
    {
        var roll = random.Next(1000);
        var path = roll == 0 ? "/stall-head" : roll == 1 ? "/stall-body" : roll % 10 == 0 ? faults[random.Next(faults.Length)] : "/ok";
        var stream = random.Next(2) == 0;
        var outcome = "ok";
        try
        {
            var timeout = path.StartsWith("/stall-", StringComparison.Ordinal)
                ? new RequestTimeout(TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200))
                : new RequestTimeout(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
            using var response = await soakSession.GetAsync(server.Url(path), new() { Stream = stream, Timeout = timeout }, ct);
            if (stream)
            {
                await response.ReadContentAsync(ct);
            }

            outcome = response.StatusCode.ToString();
        }
        catch (Exception ex)
        {
            outcome = ex.GetType().Name;
        }

        if (outcome != (Expected(path)?.Name ?? "OK"))
        {
            unexpected.Enqueue($"{path}: expected {Expected(path)?.Name ?? "OK"}, got {outcome}");
        }

        byOutcome.AddOrUpdate($"{path} -> {outcome}", 1, (_, n) => n + 1);
        var count = Interlocked.Increment(ref done);
        if (count % step == 0)
        {
            await sampling.WaitAsync(ct);
            try
            {
                var sample = Sample(count);
                samples.Add(sample);
                PrintSample(sample);
            }
            finally
            {
                sampling.Release();
            }
        }
    }
});

var first = samples[1];
var last = samples[^1];
Console.WriteLine();
Console.WriteLine("## Outcomes");
Console.WriteLine();
foreach (var (key, count) in byOutcome.OrderBy(p => p.Key, StringComparer.Ordinal))
{
    Console.WriteLine($"- {key}: {count:N0}");
}

Console.WriteLine();
Console.WriteLine(string.Create(culture, $"Summary: {done:N0} requests in {clock.Elapsed.TotalSeconds:F1} s ({done / clock.Elapsed.TotalSeconds:N0}/s), {server.Accepted:N0} connections accepted; sockets {samples[0].Fds} at start, {first.Fds} after 10%, {samples.Max(s => s.Fds)} at most, {last.Fds} at the end; heap {Mb(first.Heap)} after 10%, {Mb(last.Heap)} at the end; {unexpected.Count} unexpected errors."));
foreach (var error in unexpected.Take(10))
{
    Console.WriteLine("  unexpected: " + error);
}

// Growth allowed between the first tenth and the end: a few pooled connections, and 4 MB of heap (pools, JIT data).
var leaking = last.Fds > first.Fds + callers || last.Heap > first.Heap + (4 << 20);
Console.WriteLine(unexpected.IsEmpty && !leaking ? "PASS" : "FAIL");
return unexpected.IsEmpty && !leaking ? 0 : 1;

async Task<(double Rate, double P50, double P99, int Errors)> RunLoadAsync(Session session, int count, TimeSpan duration, bool record)
{
    var latencies = new ConcurrentBag<double>();
    var errors = 0;
    var total = 0;
    var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    var started = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = count }, async (_, ct) =>
    {
        while (Stopwatch.GetTimestamp() < until)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                using var response = await session.GetAsync(server.Url("/ok"), cancellationToken: ct);
                if (record)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            }
            catch (RequestException)
            {
                Interlocked.Increment(ref errors);
            }

            Interlocked.Increment(ref total);
        }
    });
    var sorted = latencies.Order().ToArray();
    double At(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
    return (total / started.Elapsed.TotalSeconds, At(0.50), At(0.99), errors);
}

(int Done, int Fds, long Heap, int Unexpected, double Seconds) Sample(int count)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    return (count, Directory.GetFiles("/proc/self/fd").Length, GC.GetTotalMemory(forceFullCollection: true), unexpected.Count, clock.Elapsed.TotalSeconds);
}

void PrintSample((int Done, int Fds, long Heap, int Unexpected, double Seconds) s) =>
    Console.WriteLine(string.Create(culture, $"| {s.Done:N0} | {s.Seconds:F1} | {s.Fds} | {Mb(s.Heap)} | {s.Unexpected} |"));

string Mb(long bytes) => string.Create(culture, $"{bytes / 1048576.0:F1} MB");

// The fault -> exception table of docs/reliability.md (ServerFaultTests.ExpectedFor).
static Type? Expected(string path) => path switch
{
    "/reset-before-head" or "/reset-in-head" => typeof(ConnectionException),
    "/reset-in-body" or "/fin-in-body" or "/fin-in-chunked" => typeof(ChunkedEncodingException),
    "/stall-head" or "/stall-body" => typeof(ReadTimeoutException),
    "/bad-gzip" or "/truncated-gzip" or "/stacked-gzip" => typeof(ContentDecodingException),
    "/redirect-loop" => typeof(TooManyRedirectsException),
    _ => null,
};

int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
