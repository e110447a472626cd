namespace Pipeline.Tests.DependencyInjection;

/// <summary>A typed client, as registered with <c>services.AddSession&lt;SampleApiClient&gt;()</c>.</summary>
public sealed class SampleApiClient(Session session)
{
    public Session Session { get; } = session;

    public Task<Response> GetHeadersAsync() => Session.GetAsync("/headers");
}
