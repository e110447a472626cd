using System.Collections.Concurrent;

namespace Pipeline.Tests.Reliability;

/// <summary>
/// Faults leave no connection behind: after many failed and successful requests at once, the server holds only the
/// session's idle pooled connections, and none once the session is disposed. (scripts/soak.sh runs the same mix longer.)
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ConnectionLeakTests
{
    private const int Callers = 8;
    private const int RequestsPerCaller = 150;

    [Fact]
    public async Task MixedFaults_ManyRequests_NoConnectionLeft_AndEveryFaultIsItsException()
    {
        // Arrange
        await using var server = new FaultServer();
        var session = new Session { TrustEnv = false, MaxRedirects = 3 };
        var wrong = new ConcurrentQueue<string>();
        var faults = FaultServer.FaultPaths.Where(p => p is not "/stall-head" and not "/stall-body").ToArray();

        // Act: one request in five is a fault (stalls aside: ServerFaultTests has them).
        await Parallel.ForEachAsync(Enumerable.Range(0, Callers), new ParallelOptions { MaxDegreeOfParallelism = Callers }, async (caller, _) =>
        {
            var random = new Random(caller);
            var previous = "nothing";
            for (var i = 0; i < RequestsPerCaller; i++)
            {
                var path = random.Next(5) == 0 ? faults[random.Next(faults.Length)] : "/ok";
                var stream = random.Next(2) == 0;
                var error = await Record.ExceptionAsync(() => ServerFaultTests.GetAsync(session, server.Url(path), stream, TimeSpan.FromSeconds(10)));
                var expected = path is "/ok" or "/close-after" or "/close-on-next" ? null : ServerFaultTests.ExpectedFor(path);
                if (error?.GetType() != expected)
                {
                    wrong.Enqueue($"{path} (stream: {stream}, after {previous}): expected {expected?.Name ?? "success"}, got {error?.GetType().Name}: {error?.Message}");
                }

                previous = path;
            }
        });
        var openWhileIdle = server.Open;
        session.Dispose();
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (server.Open > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        // Assert
        Assert.True(wrong.IsEmpty, string.Join("\n", wrong));
        Assert.True(openWhileIdle <= Callers, $"{openWhileIdle} connections open for {Callers} callers after {server.Accepted} accepted.");
        Assert.Equal(0, server.Open);
    }
}
