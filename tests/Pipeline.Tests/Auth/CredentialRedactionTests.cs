using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Authentication;

/// <summary>Credentials never appear in logs, exception messages or ToString().</summary>
[Collection(LoopbackCollection.Name)]
public sealed class CredentialRedactionTests(LoopbackServerFixture server)
{
    private const string Secret = "s3cr3t-value";

    [Fact]
    public async Task Logs_OfANamedSession_NeverContainCredentialsOrCookies()
    {
        var sink = new LogSink();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(sink));
        services.AddSession("logged", s => s.Auth = ("user", Secret));
        await using var provider = services.BuildServiceProvider();
        var session = provider.GetRequiredKeyedService<Session>("logged");
        session.Cookies.Set("sid", Secret);

        await session.GetAsync(server.Url($"/set-cookie/x?h={Uri.EscapeDataString($"back={Secret}; Path=/")}"));

        Assert.NotEmpty(sink.Messages);
        Assert.DoesNotContain(sink.Messages, m => m.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(sink.Messages, m => m.Contains(Convert.ToBase64String(System.Text.Encoding.Latin1.GetBytes("user:" + Secret)), StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExceptionsAndToString_NeverContainUrlCredentials()
    {
        using var session = new Session();
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        var error = await Assert.ThrowsAsync<ConnectionException>(() => session.GetAsync($"http://user:{Secret}@127.0.0.1:{port}/"));
        var headers = new HeaderMap { ["Authorization"] = "Basic " + Secret, ["Cookie"] = Secret, ["X-Plain"] = "visible" };

        Assert.DoesNotContain(Secret, error.ToString());
        Assert.DoesNotContain(Secret, error.Request!.Url);
        Assert.DoesNotContain(Secret, error.Request.ToString());
        Assert.DoesNotContain(Secret, headers.ToString());
        Assert.Contains("visible", headers.ToString());
        Assert.DoesNotContain(Secret, new ProxyMap { ["http"] = $"http://u:{Secret}@proxy:1" }.ToString());
        var jar = new CookieJar();
        jar.Set("sid", Secret);
        Assert.DoesNotContain(Secret, jar.ToString());
    }
}
