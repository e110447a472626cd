using System.Net;
using System.Text;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Responses;

/// <summary>
/// <see cref="Response.Headers"/> is copied from the HTTP response on first use; it must read the same whether it is
/// first used before or after the body is read and the HTTP response disposed.
/// </summary>
public sealed class ResponseHeadersTests
{
    private static HttpResponseMessage Answer(HttpRequestMessage request)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"a\":1}")) };
        response.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        response.Headers.TryAddWithoutValidation("X-Multi", ["one", "two"]);
        response.Headers.TryAddWithoutValidation("Set-Cookie", ["a=1", "b=2"]);
        return response;
    }

    [Fact]
    public async Task Headers_FirstReadAfterTheResponseIsDisposed_AreComplete_AsRequestsCaseInsensitiveDict()
    {
        using var session = new Session();
        session.Mount("http://", new StubHandler(Answer));

        var response = await session.GetAsync("http://example.test/");
        response.Dispose();

        // requests joins repeated headers with ", " and keeps content headers next to the others.
        Assert.Equal("one, two", response.Headers["x-multi"]);
        Assert.Equal("a=1, b=2", response.Headers["Set-Cookie"]);
        Assert.Equal("application/json; charset=utf-8", response.Headers["Content-Type"]);
        Assert.Equal("7", response.Headers["Content-Length"]);
        Assert.Same(response.Headers, response.Headers);
        Assert.Equal(Encoding.UTF8.WebName, response.Encoding!.WebName);
    }

    [Fact]
    public async Task Headers_ChangedByAHook_DecideTheRedirect_AsRequestsDispatchHookBeforeResolveRedirects()
    {
        var stub = new StubHandler(request => request.RequestUri!.AbsolutePath switch
        {
            "/start" => new HttpResponseMessage(HttpStatusCode.Found) { Headers = { Location = new Uri("/planned", UriKind.Relative) } },
            _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(request.RequestUri.AbsolutePath) },
        });
        using var session = new Session();
        session.Mount("http://", stub);
        session.Hooks.Response.Add(r =>
        {
            if (r.IsRedirect)
            {
                r.Headers["Location"] = "/rewritten";
            }
        });

        using var response = await session.GetAsync("http://example.test/start");

        Assert.Equal("/rewritten", response.Text);
        Assert.Equal(["/start", "/rewritten"], stub.Requests.Select(r => r.RequestUri!.AbsolutePath));
    }
}
