using System.Net;
using Pipeline.Tests.Infrastructure;
using Pipeline.Tests.Sessions;
using Pipeline.Testing;

namespace Pipeline.Tests.Transport;

/// <summary>REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE; these tests set environment variables, so they never run in parallel.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class TlsEnvironmentTests(Certificates pki) : IClassFixture<Certificates>, IAsyncLifetime
{
    private readonly Certificates _pki = pki;
    private readonly string? _requests = Environment.GetEnvironmentVariable("REQUESTS_CA_BUNDLE");
    private readonly string? _curl = Environment.GetEnvironmentVariable("CURL_CA_BUNDLE");
    private LoopbackServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(_pki.Server, requireClientCertificate: false);
        Environment.SetEnvironmentVariable("REQUESTS_CA_BUNDLE", _pki.CaBundlePath);
        Environment.SetEnvironmentVariable("CURL_CA_BUNDLE", null);
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable("REQUESTS_CA_BUNDLE", _requests);
        Environment.SetEnvironmentVariable("CURL_CA_BUNDLE", _curl);
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task CaBundleVariable_AppliesWhenVerifyIsLeftAtItsDefault()
    {
        using var session = new Session();

        var response = await session.GetAsync(_server.Url("/get"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task CaBundleVariable_IgnoredWithTrustEnvFalse()
    {
        using var session = new Session { TrustEnv = false };

        await Assert.ThrowsAsync<SslException>(() => session.GetAsync(_server.Url("/get")));
    }

    [Fact]
    public async Task CaBundleVariable_NeverOverridesAnExplicitPath_DepartureFromRequests()
    {
        using var otherPki = new Certificates();
        using var session = new Session { Verify = otherPki.CaBundlePath };

        await Assert.ThrowsAsync<SslException>(() => session.GetAsync(_server.Url("/get")));
    }
}
