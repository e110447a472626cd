/// <summary>A custom stage: gives every outgoing request an X-Request-Id header unless it already has one.</summary>
internal sealed class RequestIdStage : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Headers.Contains("X-Request-Id"))
        {
            request.Headers.Add("X-Request-Id", Guid.NewGuid().ToString("N"));
        }

        return base.SendAsync(request, cancellationToken);
    }
}
