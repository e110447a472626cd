using System.Net;
using System.Text;
using Pipeline.Testing;

namespace Pipeline.Benchmarks;

/// <summary>A terminal handler with no sockets: a small JSON response, as the extensions' NoRemoteCallHandler.</summary>
public sealed class InMemoryHandler : HttpMessageHandler
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("{\"id\":1,\"name\":\"widget\",\"ok\":true}");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(Payload) { Headers = { { "Content-Type", "application/json" } } },
        });
}

/// <summary>One Kestrel loopback app for a benchmark class.</summary>
public static class Loopback
{
    public static LoopbackServer Start() => LoopbackServer.StartAsync().GetAwaiter().GetResult();

    public static void Stop(LoopbackServer? app) => app?.DisposeAsync().AsTask().GetAwaiter().GetResult();
}

public sealed record Item(int Id, string Name, bool Ok);
