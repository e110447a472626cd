using System.Net;

namespace Pipeline.Tests.Infrastructure;

/// <summary>Records the exact HttpRequestMessage a stage passes on (with its Options) and answers 200.</summary>
public sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage>? respond = null) : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Requests)
        {
            Requests.Add(request);
        }

        var response = respond?.Invoke(request) ?? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ok") };
        response.RequestMessage ??= request;
        return Task.FromResult(response);
    }
}
