using System.Diagnostics;
using System.Net;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Progress;

/// <summary><see cref="RequestOptions.Progress"/> on the loopback server: uploads, buffered and streamed downloads, replays.</summary>
[Collection(LoopbackCollection.Name)]
public sealed class ProgressTests(LoopbackServerFixture server)
{
    private const int Size = 1_000_000;

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task BufferedDownload_ReportsTheContentLength_ThrottledTo64KiB_AndCompletesOnce(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var reports = new Recorder();
        var clock = Stopwatch.StartNew();

        using var response = await handle.Session.GetAsync(server.Url($"/stream-bytes/{Size}"), new() { Progress = reports });

        AssertDownload(reports.Downloads, Size, Size, clock.Elapsed);
        Assert.Equal(Size, response.Content.Length);
        Assert.Empty(reports.Uploads);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task StreamedDownload_ReportsFromTheFirstRead_AsTheBodyIsIterated(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var reports = new Recorder();
        var clock = Stopwatch.StartNew();
        using var response = await handle.Session.GetAsync(server.Url($"/stream-bytes/{Size}"), new() { Stream = true, Progress = reports });
        var beforeReading = reports.Downloads;
        long iterated = 0;

        await foreach (var chunk in response.IterContentAsync(32 * 1024))
        {
            iterated += chunk.Length;
            Assert.True(reports.Downloads[^1].BytesReceived <= iterated, "A report ran ahead of the bytes read.");
        }

        Assert.Empty(beforeReading);
        AssertDownload(reports.Downloads, Size, Size, clock.Elapsed);
    }

    [Fact]
    public async Task CompressedDownload_CountsTheWireBytes_NotTheDecodedOnes()
    {
        using var session = new Session();
        var reports = new Recorder();

        using var response = await session.GetAsync(server.Url("/gzip"), new() { Progress = reports });

        var wire = long.Parse(response.Headers["Content-Length"]!, System.Globalization.CultureInfo.InvariantCulture);
        var last = reports.Downloads[^1];
        Assert.True(last.Completed);
        Assert.Equal(wire, last.BytesReceived);
        Assert.Equal(wire, reports.Downloads[0].TotalBytesToReceive);
        Assert.NotEqual(wire, response.Content.Length);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Upload_ReportsTheBodySent_AndKeepsItsContentLength(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var reports = new Recorder();
        var body = new byte[300_000];
        Array.Fill(body, (byte)'a');

        using var response = await handle.Session.PostAsync(server.Url("/post"), new() { Data = body, Progress = reports });

        var echo = response.Json();
        Assert.Equal("300000", echo.GetProperty("headers").GetProperty("Content-Length").GetString());
        Assert.Equal(body.Length, echo.GetProperty("data").GetString()!.Length);
        var uploads = reports.Uploads;
        Assert.Equal(0, uploads[0].BytesSent);
        Assert.All(uploads, u => Assert.Equal(body.Length, u.TotalBytesToSend));
        Assert.Equal(body.Length, uploads[^1].BytesSent);
        Assert.Single(uploads, u => u.Completed);
        Assert.True(uploads.IndexOf(uploads.Single(u => u.Completed)) == uploads.Count - 1);
        Assert.True(reports.Downloads[^1].Completed);
        Assert.Equal(body.Length, reports.Downloads[^1].BytesSent);
    }

    [Fact]
    public async Task Upload_OfAStreamOfUnknownLength_HasNoTotalUntilItCompletes()
    {
        using var session = new Session();
        var reports = new Recorder();
        await using var body = new NonSeekableStream(new byte[100_000]);

        using var response = await session.PutAsync(server.Url("/put"), new() { Data = body, Progress = reports });

        Assert.Equal("chunked", response.Json().GetProperty("headers").GetProperty("Transfer-Encoding").GetString());
        Assert.All(reports.Uploads.SkipLast(1), u => Assert.Null(u.TotalBytesToSend));
        Assert.Equal(100_000, reports.Uploads[^1].BytesSent);
        Assert.Equal(100_000, reports.Uploads[^1].TotalBytesToSend);
        Assert.True(reports.Uploads[^1].Completed);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Redirect307_And_DigestResend_EachSendOfTheBodyIsReported_OnlyTheFinalDownloadIs(string kind)
    {
        using var handle = TestSessions.Create(kind);
        var redirected = new Recorder();
        var challenged = new Recorder();
        byte[] body = [1, 2, 3, 4, 5];

        using var viaRedirect = await handle.Session.PostAsync(server.Url("/redirect-with?status=307&to=/post"), new() { Data = body, Progress = redirected });
        using var viaDigest = await handle.Session.PostAsync(
            server.Url("/digest-auth/auth/user/pass/MD5"), new() { Data = body, Auth = new DigestAuth("user", "pass"), Progress = challenged });

        Assert.Equal(HttpStatusCode.OK, viaRedirect.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaDigest.StatusCode);
        foreach (var reports in new[] { redirected, challenged })
        {
            var sends = reports.Uploads.Where(u => u.Completed).ToList();
            Assert.Equal(2, sends.Count);
            Assert.All(sends, u => Assert.Equal(body.Length, u.BytesSent));
            Assert.Single(reports.Downloads, d => d.Completed);
        }
    }

    [Fact]
    public async Task WithoutProgress_TheBodyIsSentAsItIs_AndWithIt_TheOriginalIsPutBack()
    {
        var stub = new StubHandler(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([1, 2, 3]) });
        var seen = new List<string>();
        using var session = new Session();
        session.Mount("http://", new Spy(stub, seen));

        using var plain = await session.PostAsync("http://progress.test/", new() { Data = "x" });
        using var counted = await session.PostAsync("http://progress.test/", new() { Data = "x", Progress = new Recorder() });

        Assert.Equal(["ByteArrayContent", "ProgressContent"], seen);
        Assert.All(stub.Requests, r => Assert.IsType<ByteArrayContent>(r.Content));
    }

    private static void AssertDownload(IReadOnlyList<TransferProgress> downloads, long total, long bytes, TimeSpan elapsed)
    {
        Assert.Equal(0, downloads[0].BytesReceived);
        Assert.Equal(total, downloads[0].TotalBytesToReceive);
        var last = downloads[^1];
        Assert.True(last.Completed);
        Assert.Equal(bytes, last.BytesReceived);
        Assert.Equal(bytes, last.TotalBytesToReceive);
        Assert.Single(downloads, d => d.Completed);
        for (var i = 1; i < downloads.Count; i++)
        {
            Assert.True(downloads[i].BytesReceived >= downloads[i - 1].BytesReceived);
        }

        // At most one report per 64 KiB, one per 100 ms that passed, the first and the last.
        var most = (bytes / ProgressRules.ByteStep) + (long)(elapsed / ProgressRules.TimeStep) + 2;
        Assert.True(downloads.Count <= most, $"{downloads.Count} reports for {bytes} bytes in {elapsed.TotalMilliseconds} ms.");
        Assert.True(downloads.Count >= 3, "A 1 MB body is reported on the way, not only at its start and end.");
    }

    /// <summary>Records reports as they are made, in order (a <see cref="Progress{T}"/> would post them to the thread pool).</summary>
    private sealed class Recorder : IProgress<TransferProgress>
    {
        private readonly List<TransferProgress> _all = [];

        public List<TransferProgress> Uploads
        {
            get
            {
                lock (_all)
                {
                    return [.. _all.Where(r => r.Direction == TransferDirection.Upload)];
                }
            }
        }

        public List<TransferProgress> Downloads
        {
            get
            {
                lock (_all)
                {
                    return [.. _all.Where(r => r.Direction == TransferDirection.Download)];
                }
            }
        }

        public void Report(TransferProgress value)
        {
            lock (_all)
            {
                _all.Add(value);
            }
        }
    }

    /// <summary>Notes the type of the body each hop goes out with, and reads it, as a transport does.</summary>
    private sealed class Spy(HttpMessageHandler inner, List<string> seen) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request.Content!.GetType().Name);
            await request.Content.CopyToAsync(Stream.Null, cancellationToken);
            return await base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
