namespace Pipeline.Tests.DependencyInjection;

/// <summary>A user stage that copies the <c>sid</c> cookie of the jar carried by the request context into a header, so the server shows which jar a chain saw.</summary>
public sealed class JarEchoStage : DelegatingHandler
{
    public const string Header = "X-Jar-Sid";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(RequestContext.Key, out var context) && context.Cookies.Get("sid") is { } sid)
        {
            request.Headers.TryAddWithoutValidation(Header, sid);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
