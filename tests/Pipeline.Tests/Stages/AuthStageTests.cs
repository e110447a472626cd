using System.Net;
using Pipeline.Tests.Infrastructure;
using RichardSzalay.MockHttp;

namespace Pipeline.Tests.Stages;

public sealed class AuthStageTests
{
    [Fact]
    public async Task SendAsync_BasicAuth_OverwritesHandSetAuthorization_AsRequestsPrepareAuth()
    {
        var mock = new MockHttpMessageHandler();
        mock.Expect("http://h/").WithHeaders("Authorization", "Basic dXNlcjpwYXNz").Respond(HttpStatusCode.OK);
        using var invoker = new HttpMessageInvoker(new AuthStage { InnerHandler = mock });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer hand-set");
        request.Options.Set(RequestContext.Key, Contexts.With(auth: new BasicAuth("user", "pass")));

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task SendAsync_CustomScheme_CanAnswerA401ByResendingOnce()
    {
        var calls = 0;
        var stub = new StubHandler(r => ++calls == 1 ? new HttpResponseMessage(HttpStatusCode.Unauthorized) : new HttpResponseMessage(HttpStatusCode.OK));
        using var invoker = new HttpMessageInvoker(new AuthStage { InnerHandler = stub });
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://h/");
        request.Options.Set(RequestContext.Key, Contexts.With(auth: new RetryOnceAuth()));

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal("token-2", stub.Requests[1].Headers.GetValues("X-Token").Single());
    }

    [Fact]
    public async Task SendAsync_NoContext_AuthNoneDefault_SendsNoCredentials()
    {
        var stub = new StubHandler();
        using var invoker = new HttpMessageInvoker(new AuthStage(Auth.None) { InnerHandler = stub });

        using var response = await invoker.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://h/"), CancellationToken.None);

        Assert.False(stub.Requests[0].Headers.Contains("Authorization"));
    }

    private sealed class RetryOnceAuth : Auth
    {
        public override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> next, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation("X-Token", "token-1");
            var response = await next(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                return response;
            }

            response.Dispose();
            var retry = new HttpRequestMessage(request.Method, request.RequestUri);
            retry.Headers.TryAddWithoutValidation("X-Token", "token-2");
            return await next(retry, cancellationToken);
        }
    }
}
