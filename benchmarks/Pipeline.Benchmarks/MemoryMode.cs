using System.Diagnostics;
using System.Globalization;

namespace Pipeline.Benchmarks;

/// <summary>
/// The <c>memory</c> mode: the peak extra working set of reading one large body, each case in a child process of its
/// own so that nothing an earlier case allocated or kept (GC heap, pooled arrays) is counted. The child warms up with
/// a 1 MB body of the same kind, collects, reads its resident set (<c>VmRSS</c>), resets the kernel's peak
/// (<c>/proc/self/clear_refs</c>, "5"), reads the body and reads the peak (<c>VmHWM</c>): the extra working set is
/// the peak minus the resident set before. Bodies come from <see cref="RawLoopbackServer"/>, in this process or in a
/// separate <c>serve-raw</c> process (benchmarks/memory.sh).
/// </summary>
public static class MemoryMode
{
    private const long Mb = 1024 * 1024;

    private static readonly (string Case, string Description, double Target, string TargetText)[] Cases =
    [
        ("session-length", "Session, buffered, Content-Length", 1.5, "≤ 1.5×"),
        ("session-chunked", "Session, buffered, chunked (no length)", 2.5, "≤ 2.5×"),
        ("session-stream-length", "Session, Stream + IterContentAsync, Content-Length", 0, "≤ 16 MB, flat"),
        ("session-stream-chunked", "Session, Stream + IterContentAsync, chunked", 0, "≤ 16 MB, flat"),
        ("raw-length", "raw HttpClient GetByteArrayAsync, Content-Length", -1, "(reference)"),
        ("raw-chunked", "raw HttpClient GetByteArrayAsync, chunked", -1, "(reference)"),
    ];

    /// <summary><c>memory [BASE_URL] [--size-mb 200] [--large-mb 1024] [--cases a,b]</c>: runs every case in a child process and prints the table.</summary>
    public static async Task RunAsync(string[] args)
    {
        var sizeMb = Option(args, "--size-mb", 200);
        var largeMb = Option(args, "--large-mb", 1024);
        var only = Array.IndexOf(args, "--cases") is var c and >= 0 ? args[c + 1].Split(',') : null;
        await using var local = args.Length > 1 && args[1].StartsWith("http", StringComparison.Ordinal) ? null : RawLoopbackServer.Start();
        var baseUrl = local?.BaseUrl ?? args[1];

        Console.WriteLine($"# memory: {sizeMb} MB body (streamed also {largeMb} MB), server {baseUrl}{(local is null ? string.Empty : " (in the parent process)")}, one child process per row");
        Console.WriteLine("| case | body | peak extra working set | extra / body | managed allocated | time | target | result |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var missed = 0;
        foreach (var (name, description, target, targetText) in Cases)
        {
            if (only is not null && !only.Contains(name))
            {
                continue;
            }

            var streamed = name.Contains("stream", StringComparison.Ordinal);
            var sizes = streamed ? new[] { sizeMb, largeMb } : [sizeMb];
            var extras = new List<double>();
            foreach (var size in sizes)
            {
                var result = await RunChildAsync(name, baseUrl, size * Mb);
                extras.Add(result.Extra);
                var ratio = result.Extra / (double)(size * Mb);
                var verdict = target switch
                {
                    > 0 => ratio <= target ? "PASS" : "MISS",
                    0 => result.Extra <= 16 * Mb ? "PASS" : "MISS",
                    _ => string.Empty,
                };
                missed += verdict == "MISS" ? 1 : 0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {description} | {size} MB | {result.Extra / (double)Mb:F1} MB | {ratio:F2}× | {result.Allocated / (double)Mb:F1} MB | {result.Milliseconds:F0} ms | {targetText} | {verdict} |"));
            }

            if (streamed)
            {
                // Constant memory: the large body costs no more than the small one, within 8 MB.
                var flat = extras[^1] - extras[0] <= 8 * Mb;
                missed += flat ? 0 : 1;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {description}: {largeMb} MB against {sizeMb} MB | | {(extras[^1] - extras[0]) / Mb:+0.0;-0.0} MB | | | | flat (≤ +8 MB) | {(flat ? "PASS" : "MISS")} |"));
            }
        }

        Console.WriteLine();
        Console.WriteLine(missed == 0 ? "all memory targets met" : $"{missed} memory target(s) missed");
    }

    /// <summary><c>memory-case NAME BASE_URL BYTES</c>: one measurement, printed as one line for the parent.</summary>
    public static async Task RunCaseAsync(string[] args)
    {
        var name = args[1];
        var baseUrl = args[2].TrimEnd('/');
        var size = long.Parse(args[3], CultureInfo.InvariantCulture);
        var chunked = name.EndsWith("chunked", StringComparison.Ordinal);
        string Url(long bytes) => $"{baseUrl}/{(chunked ? "chunked" : "length")}/{bytes}";

        using var session = new Session { TrustEnv = false };
        using var raw = new HttpClient();
        Func<string, Task<long>> read = name switch
        {
            "session-length" or "session-chunked" => async url =>
            {
                using var response = await session.GetAsync(url);
                return response.Content.Length;
            },
            "session-stream-length" or "session-stream-chunked" => async url =>
            {
                using var response = await session.GetAsync(url, new() { Stream = true });
                long total = 0;
                await foreach (var chunk in response.IterContentAsync(64 * 1024))
                {
                    total += chunk.Length;
                }

                return total;
            },
            "raw-length" or "raw-chunked" => async url => (await raw.GetByteArrayAsync(url)).Length,
            _ => throw new ArgumentException($"Unknown memory case '{name}'."),
        };

        // Warm-up: JIT, the connection, the pools, with a body of the same kind.
        for (var i = 0; i < 3; i++)
        {
            await read(Url(Mb));
        }

        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        Thread.Sleep(200);
        var before = Status("VmRSS");
        var reset = TryResetPeak();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var watch = Stopwatch.StartNew();
        var length = await read(Url(size));
        watch.Stop();
        var peak = Status("VmHWM");
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        if (length != size)
        {
            throw new InvalidOperationException($"Read {length} bytes, expected {size}.");
        }

        // Without the reset the peak may be the warm-up's, lower than this body's, so the delta still holds.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT extra={peak - before} allocated={allocated} ms={watch.Elapsed.TotalMilliseconds:F0} reset={reset}"));
    }

    private static async Task<(long Extra, long Allocated, double Milliseconds)> RunChildAsync(string name, string baseUrl, long size)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (!Path.GetFileNameWithoutExtension(Environment.ProcessPath!).Equals("Pipeline.Benchmarks", StringComparison.Ordinal))
        {
            start.ArgumentList.Add(typeof(MemoryMode).Assembly.Location);
        }

        foreach (var arg in new[] { "memory-case", name, baseUrl, size.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        var line = (await output).Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"memory-case {name} failed (exit {child.ExitCode}): {await error}");
        var fields = line[7..].Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
        return (long.Parse(fields["extra"], CultureInfo.InvariantCulture), long.Parse(fields["allocated"], CultureInfo.InvariantCulture),
            double.Parse(fields["ms"], CultureInfo.InvariantCulture));
    }

    /// <summary>Resets VmHWM to the current resident set (Linux 4.0+); false where the kernel refuses it.</summary>
    private static bool TryResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>A field of /proc/self/status in bytes (the file gives kB).</summary>
    public static long Status(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var value = line[(field.Length + 1)..].Trim();
                return long.Parse(value[..value.IndexOf(' ', StringComparison.Ordinal)], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/self/status has no {field}.");
    }

    private static int Option(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
