using Pipeline;

/// <summary>Calls the upstream service through the named Pipeline session "upstream".</summary>
internal sealed class UpstreamClient([FromKeyedServices("upstream")] Session session)
{
    public async Task<UpstreamEcho> EchoAsync(string path, CancellationToken cancellationToken)
    {
        var response = await session.GetAsync($"/anything/{Uri.EscapeDataString(path)}", cancellationToken: cancellationToken);
        var echo = response.RaiseForStatus().Json<UpstreamEcho>()!;

        // Header names are case-insensitive (.NET sends X-Request-Id as X-Request-ID).
        return echo with { Headers = new(echo.Headers, StringComparer.OrdinalIgnoreCase) };
    }
}
