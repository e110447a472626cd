using System.Net;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Authentication;

/// <summary>The token request goes through the session's transport: its proxies and its TLS settings.</summary>
public sealed class OAuth2TransportTests(TinyproxyFixture proxy, Certificates pki) : IClassFixture<TinyproxyFixture>, IClassFixture<Certificates>
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task TokenRequest_GoesThroughTheSessionsProxy(string kind)
    {
        await using var server = await OAuth2TestServer.StartAsync();
        using var handle = TestSessions.Create(kind, s =>
        {
            s.TrustEnv = false;
            s.Proxies = new ProxyMap { ["http"] = proxy.OpenUrl };
            s.Auth = new OAuth2ClientCredentialsAuth(server.TokenUrl, OAuth2TestServer.ClientId, OAuth2TestServer.ClientSecret);
        });

        var response = await handle.Session.GetAsync(server.Url("/api/a"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = Assert.Single(server.TokenRequestLog);
        Assert.Contains("tinyproxy", token.Headers.GetValueOrDefault("Via") ?? string.Empty, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task TokenRequest_UsesTheSessionsTlsVerification(string kind)
    {
        await using var idp = await OAuth2TestServer.StartAsync(pki.Server);
        await using var api = await OAuth2TestServer.StartAsync();
        var tokenUrl = idp.TokenUrl;
        using var trusting = TestSessions.Create(kind, s =>
        {
            s.TrustEnv = false;
            s.Verify = pki.CaBundlePath;
            s.Auth = new OAuth2ClientCredentialsAuth(tokenUrl, OAuth2TestServer.ClientId, OAuth2TestServer.ClientSecret);
        });
        using var strict = TestSessions.Create(kind, s =>
        {
            s.TrustEnv = false;
            s.Auth = new OAuth2ClientCredentialsAuth(tokenUrl, OAuth2TestServer.ClientId, OAuth2TestServer.ClientSecret);
        });

        await Assert.ThrowsAsync<SslException>(() => strict.Session.GetAsync(api.Url("/echo")));
        var response = await trusting.Session.GetAsync(api.Url("/echo"));

        Assert.Equal(1, idp.TokenRequests);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("Bearer access-", response.Json().GetProperty("authorization").GetString());
    }
}
