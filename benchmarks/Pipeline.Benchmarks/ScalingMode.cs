using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net;
using System.Text;

namespace Pipeline.Benchmarks;

/// <summary>
/// The <c>scaling</c> mode: whether a request's cost stays flat as the work around it grows. Three sections, each on an
/// in-memory terminal handler (no sockets: the precise figure) and on loopback (<see cref="RawLoopbackServer"/>):
/// <list type="bullet">
/// <item><c>cookies</c>: CPU per request with an empty jar against a jar of 10,000 cookies over 1,000 unrelated domains.</item>
/// <item><c>redirects</c>: CPU per hop of a redirect chain of 10, 100 and 1,000 hops (MaxRedirects raised to 1,000).</item>
/// <item><c>callers</c> (in memory) and <c>callers-loopback</c>: throughput, CPU per request and lock contentions per request with 1, 2, 4, 16 and 64 concurrent callers of one session.</item>
/// </list>
/// Runs of the cases being compared alternate round by round (A B, B A, …) and the medians are printed, so a drift of
/// the machine favours none. benchmarks/scaling.sh runs it pinned.
/// </summary>
public static class ScalingMode
{
    private static readonly Process Self = Process.GetCurrentProcess();

    /// <summary><c>scaling [BASE_URL] [--only cookies,redirects,callers,callers-loopback] [--no-loopback] [--rounds N] [--scale F]</c>.</summary>
    public static async Task RunAsync(string[] args)
    {
        var only = (Array.IndexOf(args, "--only") is var o and >= 0 ? args[o + 1] : "cookies,redirects,callers,callers-loopback").Split(',');
        var rounds = Option(args, "--rounds", 5);
        var scale = Array.IndexOf(args, "--scale") is var s and >= 0 ? double.Parse(args[s + 1], CultureInfo.InvariantCulture) : 1.0;
        var loopback = !args.Contains("--no-loopback");
        await using var local = !loopback || (args.Length > 1 && args[1].StartsWith("http", StringComparison.Ordinal)) ? null : RawLoopbackServer.Start();
        var baseUrl = loopback ? local?.BaseUrl ?? args[1] : null;

        Console.WriteLine($"# scaling: {rounds} rounds, {Environment.ProcessorCount} core(s) for this process, loopback server {baseUrl ?? "(none)"}{(local is null ? string.Empty : " (in this process)")}");
        var missed = 0;
        if (only.Contains("cookies"))
        {
            missed += await CookiesAsync(baseUrl, rounds, scale);
        }

        if (only.Contains("redirects"))
        {
            missed += await RedirectsAsync(baseUrl, rounds, scale);
        }

        if (only.Contains("callers"))
        {
            missed += await CallersAsync(baseUrl, rounds, scale, inMemory: true);
        }

        if (only.Contains("callers-loopback"))
        {
            missed += await CallersAsync(baseUrl, rounds, scale, inMemory: false);
        }

        Console.WriteLine();
        Console.WriteLine(missed == 0 ? "all scaling targets met" : $"{missed} scaling target(s) missed");
    }

    private static async Task<int> CookiesAsync(string? baseUrl, int rounds, double scale)
    {
        Console.WriteLine();
        Console.WriteLine("## Cookie selection: 10,000 cookies over 1,000 unrelated domains against an empty jar (target ≤ 1.2×)");
        Console.WriteLine("| transport | jar | CPU µs/request (median) | allocated B/request | against its baseline: median | min | max | target | result |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        var missed = 0;
        const string Target = "https://www.shop.example/cart/items";

        Session InMemory(CookieJar jar)
        {
            var session = new Session { TrustEnv = false, Cookies = jar };
            session.Mount("https://", new InMemoryHandler());
            return session;
        }

        var hostJar = new CookieJar();
        AddHostCookies(hostJar);
        var hostAmongOthers = new CookieJar();
        AddOtherDomains(hostAmongOthers);
        AddHostCookies(hostAmongOthers);
        var empty = InMemory(new CookieJar());
        var others = InMemory(OtherDomains());
        var host = InMemory(hostJar);
        var mixed = InMemory(hostAmongOthers);
        var requests = (int)(100_000 * scale);

        // All four first, so the first pair compared does not also pay for tiered compilation of the shared code.
        foreach (var session in new[] { empty, others, host, mixed })
        {
            await WarmAsync(Get(session, Target), 1);
        }

        missed += await CompareAsync("in-memory", requests, rounds, Get(empty, Target), ("empty", "10,000 over 1,000 other domains", Get(others, Target)));
        missed += await CompareAsync("in-memory", requests, rounds, Get(host, Target), ("the host's 10", "the host's 10 among 10,000", Get(mixed, Target)));
        foreach (var session in new[] { empty, others, host, mixed })
        {
            await session.DisposeAsync();
        }

        if (baseUrl is not null)
        {
            using var emptyLoopback = new Session { TrustEnv = false };
            using var othersLoopback = new Session { TrustEnv = false, Cookies = OtherDomains() };
            missed += await CompareAsync("loopback", (int)(20_000 * scale), rounds, Get(emptyLoopback, baseUrl + "/anything"),
                ("empty", "10,000 over 1,000 other domains", Get(othersLoopback, baseUrl + "/anything")));
        }

        return missed;

        static CookieJar OtherDomains()
        {
            var jar = new CookieJar();
            AddOtherDomains(jar);
            return jar;
        }
    }

    /// <summary>Runs a baseline and a case alternately and prints both, with the case's cost against the baseline's.</summary>
    private static async Task<int> CompareAsync(string transport, int requests, int rounds, Func<Task<int>> baseline, (string BaselineName, string Name, Func<Task<int>> Call) compared)
    {
        await WarmAsync(baseline, 1);
        await WarmAsync(compared.Call, 1);
        var a = new List<Measure>();
        var b = new List<Measure>();
        for (var round = 0; round < rounds; round++)
        {
            if (round % 2 == 0)
            {
                a.Add(await RunAsync(baseline, requests, 1));
                b.Add(await RunAsync(compared.Call, requests, 1));
            }
            else
            {
                b.Add(await RunAsync(compared.Call, requests, 1));
                a.Add(await RunAsync(baseline, requests, 1));
            }
        }

        var ratios = a.Zip(b, (x, y) => y.CpuPerRequest / x.CpuPerRequest).ToList();
        var pass = Median(ratios) <= 1.2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {transport} | {compared.BaselineName} | {Median(a.Select(m => m.CpuPerRequest)):F2} | {Median(a.Select(m => m.AllocatedPerRequest)):F0} | | | | | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {transport} | {compared.Name} | {Median(b.Select(m => m.CpuPerRequest)):F2} | {Median(b.Select(m => m.AllocatedPerRequest)):F0} | {Median(ratios):F3}× | {ratios.Min():F3} | {ratios.Max():F3} | ≤ 1.2× | {(pass ? "PASS" : "MISS")} |"));
        return pass ? 0 : 1;
    }

    private static async Task<int> RedirectsAsync(string? baseUrl, int rounds, double scale)
    {
        Console.WriteLine();
        Console.WriteLine("## Redirect chains: cost per hop at 10, 100 and 1,000 hops (target: linear, per-hop cost growing ≤ 1.2× per 10× hops)");
        Console.WriteLine("| transport | hops | CPU µs/chain (median) | CPU µs/hop | allocated B/hop | per hop against 10× fewer | target | result |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var missed = 0;
        using var inMemory = new Session { TrustEnv = false, MaxRedirects = 1_000 };
        inMemory.Mount("https://", new RedirectChainHandler());
        missed += await ChainsAsync("in-memory", n => Get(inMemory, $"https://hops.example/hop/{n}"), (int)(100_000 * scale), rounds);
        if (baseUrl is not null)
        {
            using var session = new Session { TrustEnv = false, MaxRedirects = 1_000 };
            missed += await ChainsAsync("loopback", n => Get(session, $"{baseUrl}/hop/{n}"), (int)(10_000 * scale), rounds);
        }

        return missed;
    }

    private static async Task<int> ChainsAsync(string transport, Func<int, Func<Task<int>>> chain, int hopsPerRound, int rounds)
    {
        int[] lengths = [10, 100, 1_000];
        var calls = lengths.ToDictionary(n => n, chain);
        var measured = lengths.ToDictionary(n => n, _ => new List<Measure>());
        foreach (var n in lengths)
        {
            if (await calls[n]() != RawLoopbackServer.SmallBody.Length)
            {
                throw new InvalidOperationException($"The {n}-hop chain did not end at the small body.");
            }

            await WarmAsync(calls[n], 1);
        }

        for (var round = 0; round < rounds; round++)
        {
            foreach (var n in round % 2 == 0 ? lengths : lengths.Reverse())
            {
                measured[n].Add(await RunAsync(calls[n], Math.Max(2, hopsPerRound / n), 1));
            }
        }

        var missed = 0;
        double? previous = null;
        foreach (var n in lengths)
        {
            var perChain = Median(measured[n].Select(m => m.CpuPerRequest));
            var perHop = perChain / n;
            var growth = previous is { } p ? perHop / p : (double?)null;
            var pass = growth is null or <= 1.2;
            missed += pass ? 0 : 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {transport} | {n} | {perChain:F1} | {perHop:F2} | {Median(measured[n].Select(m => m.AllocatedPerRequest)) / n:F0} | {(growth is { } g ? g.ToString("F3", CultureInfo.InvariantCulture) + "×" : string.Empty)} | {(growth is null ? string.Empty : "≤ 1.2×")} | {(growth is null ? string.Empty : pass ? "PASS" : "MISS")} |"));
            previous = perHop;
        }

        return missed;
    }

    private static async Task<int> CallersAsync(string? baseUrl, int rounds, double scale, bool inMemory)
    {
        int[] counts = [1, 2, 4, 16, 64];
        var cores = Environment.ProcessorCount;
        using var listener = new ContentionListener();
        var listenerStart = listener.Total;
        var monitorStart = Monitor.LockContentionCount;
        var missed = 0;
        var gc = System.Runtime.GCSettings.IsServerGC ? "server GC" : "workstation GC";

        if (inMemory)
        {
            Console.WriteLine();
            Console.WriteLine($"## Concurrent callers of one session, in memory ({cores} core(s), {gc}; target: throughput scales to min(callers, cores) at ≥ 0.8 per core, no lock contention)");
            using var raw = new HttpClient(new InMemoryHandler());
            using var session = CallerSession(trustEnv: true);
            using var sessionNoEnv = CallerSession(trustEnv: false);
            session.Mount("http://", new InMemoryHandler());
            sessionNoEnv.Mount("http://", new InMemoryHandler());
            missed += await CallersTableAsync(
                [("raw", RawGet(raw, "http://bench.local/items?v=1")), ("session", Get(session, "http://bench.local/items")), ("session-noenv", Get(sessionNoEnv, "http://bench.local/items"))],
                counts, (int)(100_000 * scale), rounds, scalesWithCores: true);
        }
        else if (baseUrl is not null)
        {
            Console.WriteLine();
            Console.WriteLine($"## Concurrent callers of one session, on loopback ({cores} core(s), {gc}; target: no lock contention, throughput within 0.9 of raw HttpClient's at every count)");
            using var rawLoopback = new HttpClient();
            using var sessionLoopback = CallerSession(trustEnv: true);
            using var sessionLoopbackNoEnv = CallerSession(trustEnv: false);
            missed += await CallersTableAsync(
                [("raw", RawGet(rawLoopback, baseUrl + "/anything?v=1")), ("session", Get(sessionLoopback, baseUrl + "/anything")), ("session-noenv", Get(sessionLoopbackNoEnv, baseUrl + "/anything"))],
                counts, (int)(20_000 * scale), rounds, scalesWithCores: false);
        }
        else
        {
            return 0;
        }

        // The runtime's own counter, read as dotnet-counters reads it; it reports once a second.
        await Task.Delay(1_500);
        Console.WriteLine();
        Console.WriteLine($"System.Runtime monitor-lock-contention-count over the section (EventListener): {listener.Total - listenerStart:F0}; Monitor.LockContentionCount: {Monitor.LockContentionCount - monitorStart}");
        return missed;

        static Session CallerSession(bool trustEnv)
        {
            var session = new Session { TrustEnv = trustEnv };
            session.Headers["X-Api-Key"] = "k";
            session.Params["v"] = "1";
            session.Cookies.Set("session", "abc");
            return session;
        }
    }

    private static async Task<int> CallersTableAsync((string Name, Func<Task<int>> Call)[] clients, int[] counts, int requests, int rounds, bool scalesWithCores)
    {
        var cores = Environment.ProcessorCount;
        Console.WriteLine("| client | callers | requests/s (median) | speed-up over 1 caller | CPU µs/request | lock contentions/request | target | result |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var results = new Dictionary<(string, int), List<Measure>>();
        foreach (var (name, call) in clients)
        {
            await WarmAsync(call, 1);
            await WarmAsync(call, 16);
        }

        for (var round = 0; round < rounds; round++)
        {
            foreach (var n in counts)
            {
                foreach (var (name, call) in round % 2 == 0 ? clients : clients.Reverse())
                {
                    (results.TryGetValue((name, n), out var list) ? list : results[(name, n)] = []).Add(await RunAsync(call, requests, n));
                }
            }
        }

        var missed = 0;
        foreach (var (name, _) in clients)
        {
            var single = Median(results[(name, 1)].Select(m => m.PerSecond));
            foreach (var n in counts)
            {
                var runs = results[(name, n)];
                var perSecond = Median(runs.Select(m => m.PerSecond));
                var contention = Median(runs.Select(m => m.ContentionsPerRequest));
                var rawPerSecond = Median(results[(clients[0].Name, n)].Select(m => m.PerSecond));
                var speedUp = perSecond / single;
                bool pass;
                string target;
                if (name == clients[0].Name)
                {
                    pass = true;
                    target = "(reference)";
                }
                else if (scalesWithCores)
                {
                    var expected = 0.8 * Math.Min(n, cores);
                    pass = speedUp >= expected && contention <= 0.001;
                    target = string.Create(CultureInfo.InvariantCulture, $"≥ {expected:F1}×, ≤ 0.001");
                }
                else
                {
                    pass = perSecond >= 0.9 * rawPerSecond && contention <= 0.001;
                    target = string.Create(CultureInfo.InvariantCulture, $"≥ {0.9 * rawPerSecond:F0}/s, ≤ 0.001");
                }

                missed += pass ? 0 : 1;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {n} | {perSecond:F0} | {speedUp:F2}× | {Median(runs.Select(m => m.CpuPerRequest)):F2} | {contention:F4} | {target} | {(name == clients[0].Name ? string.Empty : pass ? "PASS" : "MISS")} |"));
            }
        }

        return missed;
    }

    private static Func<Task<int>> Get(Session session, string url) => async () =>
    {
        using var response = await session.GetAsync(url);
        return response.Content.Length;
    };

    private static Func<Task<int>> RawGet(HttpClient client, string url) => async () =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.TryAddWithoutValidation("X-Api-Key", "k");
        request.Headers.TryAddWithoutValidation("Cookie", "session=abc");
        using var response = await client.SendAsync(request);
        return (await response.Content.ReadAsByteArrayAsync()).Length;
    };

    /// <summary>Runs a call for a second and a half, so tiered compilation has settled before anything is measured.</summary>
    private static async Task WarmAsync(Func<Task<int>> call, int callers)
    {
        var until = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 3 / 2);
        while (Stopwatch.GetTimestamp() < until)
        {
            await RunAsync(call, callers * 100, callers);
        }
    }

    private static async Task<Measure> RunAsync(Func<Task<int>> call, int requests, int callers)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Self.Refresh();
        var cpu = Self.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var contentions = Monitor.LockContentionCount;
        var watch = Stopwatch.StartNew();
        if (callers == 1)
        {
            for (var i = 0; i < requests; i++)
            {
                await call();
            }
        }
        else
        {
            // Each caller has its share of the requests, so the callers share no counter of the harness's own.
            await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
            {
                for (var i = (requests * c) / callers; i < (requests * (c + 1)) / callers; i++)
                {
                    await call();
                }
            })));
        }

        watch.Stop();
        Self.Refresh();
        return new Measure(
            (Self.TotalProcessorTime - cpu).TotalMicroseconds / requests,
            (GC.GetTotalAllocatedBytes(precise: true) - allocated) / (double)requests,
            requests / watch.Elapsed.TotalSeconds,
            (Monitor.LockContentionCount - contentions) / (double)requests);
    }

    // Five host-only and five domain cookies, at "/" and at "/cart", as CookieJarBenchmark.
    private static void AddHostCookies(CookieJar jar)
    {
        for (var i = 0; i < 5; i++)
        {
            jar.Set("host" + i, "value-" + i, domain: "www.shop.example", path: i % 2 == 0 ? "/" : "/cart");
            jar.Set("site" + i, "value-" + i, domain: ".shop.example");
        }
    }

    private static void AddOtherDomains(CookieJar jar)
    {
        for (var d = 0; d < 1_000; d++)
        {
            for (var i = 0; i < 10; i++)
            {
                jar.Set("c" + i, "value-" + i, domain: i % 2 == 0 ? $".site{d}.example" : $"www.site{d}.example");
            }
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int Option(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    private readonly record struct Measure(double CpuPerRequest, double AllocatedPerRequest, double PerSecond, double ContentionsPerRequest);

    /// <summary>An in-memory redirect chain: <c>/hop/N</c> answers 302 to <c>/hop/N-1</c>, <c>/hop/0</c> a small body.</summary>
    private sealed class RedirectChainHandler : HttpMessageHandler
    {
        private static readonly byte[] Payload = Encoding.UTF8.GetBytes(RawLoopbackServer.SmallBody);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            var hops = int.Parse(path.AsSpan(path.LastIndexOf('/') + 1), CultureInfo.InvariantCulture);
            var response = hops <= 0
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Payload) { Headers = { { "Content-Type", "application/json" } } } }
                : new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri($"/hop/{hops - 1}", UriKind.Relative) }, Content = new ByteArrayContent([]) };
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }

    /// <summary>Sums the runtime's <c>monitor-lock-contention-count</c> counter, as dotnet-counters shows it.</summary>
    private sealed class ContentionListener : EventListener
    {
        private long _total;

        public double Total => Interlocked.Read(ref _total);

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "System.Runtime")
            {
                EnableEvents(eventSource, EventLevel.Informational, EventKeywords.All, new Dictionary<string, string?> { ["EventCounterIntervalSec"] = "1" });
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName == "EventCounters" && eventData.Payload is [IDictionary<string, object?> counter, ..]
                && counter.TryGetValue("Name", out var name) && (name as string) == "monitor-lock-contention-count"
                && counter.TryGetValue("Increment", out var increment) && increment is double value)
            {
                Interlocked.Add(ref _total, (long)value);
            }
        }
    }
}
