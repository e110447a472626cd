// package: PipelineHttp.Testing
using Pipeline;
using Pipeline.Testing;

// Downloads a large body from a local server with a console progress bar, offline.
// Usage: dotnet run --project samples/Download [-- <megabytes>]
var megabytes = args.Length > 0 && int.TryParse(args[0], out var requested) && requested > 0 ? requested : 256;
var size = megabytes * 1024L * 1024L;

await using var server = await LoopbackServer.StartAsync();
using var session = new Session();
var bar = new ConsoleProgressBar();

// Stream = true: the call returns after the headers; the body is read as it is iterated, 64 KiB at a time, so memory
// stays flat however large the download is. Progress counts the bytes as they arrive.
using var response = await session.GetAsync(server.Url($"/stream-bytes/{size}"), new() { Stream = true, Progress = bar });
response.RaiseForStatus();

var path = Path.Combine(Path.GetTempPath(), "pipeline-download.bin");
await using (var file = File.Create(path))
{
    await foreach (var chunk in response.IterContentAsync(64 * 1024))
    {
        await file.WriteAsync(chunk);
    }
}

Console.WriteLine($"Saved {new FileInfo(path).Length:N0} bytes to {path} ({response.Version}, {response.Elapsed.TotalMilliseconds:N0} ms to the headers).");
File.Delete(path);

/// <summary>
/// Draws each report on one console line. Reports arrive one at a time and in order on the thread that read the bytes;
/// a <see cref="Progress{T}"/> would post them to the thread pool instead, where they could be drawn out of order.
/// </summary>
internal sealed class ConsoleProgressBar : IProgress<TransferProgress>
{
    private const int Width = 40;

    public void Report(TransferProgress value)
    {
        if (value.Direction != TransferDirection.Download)
        {
            return;
        }

        var received = value.BytesReceived;
        var line = value.TotalBytesToReceive is { } total and > 0
            ? $"[{new string('#', (int)(Width * received / total)).PadRight(Width)}] {100 * received / total,3}% {Megabytes(received)} of {Megabytes(total)}"
            : $"{Megabytes(received)} received";
        Console.Write("\r" + line);
        if (value.Completed)
        {
            Console.WriteLine();
        }
    }

    private static string Megabytes(long bytes) => $"{bytes / (1024.0 * 1024.0):N1} MiB";
}
