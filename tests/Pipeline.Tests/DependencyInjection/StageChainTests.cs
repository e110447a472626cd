using Microsoft.Extensions.DependencyInjection;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.DependencyInjection;

public sealed class StageChainTests
{
    [Fact]
    public async Task CreateStages_NewSessionAndAddSession_PutSameRequestOnTheWire()
    {
        // Arrange: merged headers, a removed default, params from both sides, up-front auth and a JSON body, so
        // a stage missing, added twice or running in another order changes the bytes the server records.
        await using var raw = new RawHttpServer();
        static void Configure(SessionSettings s)
        {
            s.Headers["X-Session"] = "s";
            s.Headers["X-Removed"] = "gone";
            s.Params["p"] = "session";
            s.Auth = ("user", "pass");
        }

        var settings = new SessionSettings();
        Configure(settings);
        using var standalone = new Session(settings);
        using var provider = ServiceProviders.Build(services => services.AddSession("api", Configure));
        var injected = provider.GetRequiredKeyedService<Session>("api");
        RequestOptions Options() => new()
        {
            Headers = new() { ["accept"] = "application/json", ["X-Removed"] = null, ["X-Request"] = "r" },
            Params = new() { ["q"] = "request" },
            Json = new { a = 1 },
        };

        // Act
        using (await standalone.PostAsync(raw.BaseUrl + "/path?x=1", Options()))
        {
        }

        using (await injected.PostAsync(raw.BaseUrl + "/path?x=1", Options()))
        {
        }

        // Assert
        Assert.Equal(2, raw.Requests.Count);
        var (expected, actual) = (raw.Requests[0], raw.Requests[1]);
        Assert.Equal("POST /path?x=1&p=session&q=request HTTP/1.1", expected.RequestLine);
        Assert.Equal(expected.RequestLine, actual.RequestLine);
        Assert.Equal(Lines(expected), Lines(actual));
        Assert.Equal(expected.Body, actual.Body);
        Assert.StartsWith("Basic ", actual.Header("Authorization"), StringComparison.Ordinal);
        Assert.Equal("application/json", actual.Header("Accept"));
        Assert.Null(actual.Header("X-Removed"));
    }

    private static List<string> Lines(RawRequest request) => [.. request.Headers.Select(h => h.Key + ": " + h.Value)];
}
