using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Tests.Progress;

public sealed class ProgressReporterTests
{
    [Fact]
    public void Download_ReportsAtStart_Per64KiB_AfterAPause_AndOnceAtTheEnd()
    {
        // Arrange
        var time = new FakeTimeProvider();
        var reports = new List<TransferProgress>();
        var reporter = new ProgressReporter(new Recorder(reports), time);

        // Act
        reporter.StartDownload(200_000);
        for (var i = 0; i < 66; i++)
        {
            reporter.Received(1000);
        }

        reporter.Received(10);
        time.Advance(TimeSpan.FromMilliseconds(100));
        reporter.Received(10);
        reporter.CompleteDownload();
        reporter.CompleteDownload();

        // Assert
        Assert.Equal([0L, 66_000, 66_020, 66_020], reports.Select(r => r.BytesReceived));
        Assert.All(reports, r => Assert.Equal(TransferDirection.Download, r.Direction));
        Assert.Equal([200_000L, 200_000, 200_000, 66_020], reports.Select(r => r.TotalBytesToReceive ?? -1));
        Assert.Equal([false, false, false, true], reports.Select(r => r.Completed));
    }

    [Fact]
    public void Download_ReachingTheDeclaredLength_IsTheLastReport()
    {
        var reports = new List<TransferProgress>();
        var reporter = new ProgressReporter(new Recorder(reports), new FakeTimeProvider());

        reporter.StartDownload(100_000);
        reporter.Received(70_000);
        reporter.Received(30_000);
        reporter.CompleteDownload();

        Assert.Equal([0L, 70_000, 100_000], reports.Select(r => r.BytesReceived));
        Assert.Equal([false, false, true], reports.Select(r => r.Completed));
    }

    [Fact]
    public void Upload_EachSendStartsFromZero_AndReportsCarryBothCounts()
    {
        var reports = new List<TransferProgress>();
        var reporter = new ProgressReporter(new Recorder(reports), new FakeTimeProvider());

        reporter.StartUpload(10);
        reporter.Sent(10);
        reporter.CompleteUpload();
        reporter.StartUpload(10);
        reporter.CompleteUpload();
        reporter.StartDownload(null);

        Assert.Equal([0L, 10, 0, 0, 0], reports.Select(r => r.BytesSent));
        Assert.Equal([false, true, false, true, false], reports.Select(r => r.Completed));
        Assert.Equal(TransferDirection.Download, reports[^1].Direction);
        Assert.Equal(0, reports[^1].TotalBytesToSend);
        Assert.Null(reports[^1].TotalBytesToReceive);
    }

    [Fact]
    public async Task Reports_FromTwoThreads_AreNeverMadeAtOnce()
    {
        var inside = 0;
        var overlapped = false;
        var reporter = new ProgressReporter(new Callback(_ =>
        {
            overlapped |= Interlocked.Increment(ref inside) > 1;
            Thread.SpinWait(2000);
            Interlocked.Decrement(ref inside);
        }));
        reporter.StartUpload(null);
        reporter.StartDownload(null);

        await Task.WhenAll(
            Task.Run(() => Repeat(() => reporter.Sent(64 * 1024))),
            Task.Run(() => Repeat(() => reporter.Received(64 * 1024))));

        Assert.False(overlapped);
    }

    private static void Repeat(Action action)
    {
        for (var i = 0; i < 2000; i++)
        {
            action();
        }
    }

    private sealed class Recorder(List<TransferProgress> reports) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => reports.Add(value);
    }

    private sealed class Callback(Action<TransferProgress> report) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => report(value);
    }
}
