using System.Text;
using Pipeline.Tests.Infrastructure;
using Pipeline.Tests.Sessions;

namespace Pipeline.Tests.Authentication;

/// <summary>requests' get_netrc_auth; these tests set NETRC, so they never run in parallel with others.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class NetrcTests : IAsyncLifetime
{
    private readonly string? _savedNetrc = Environment.GetEnvironmentVariable("NETRC");
    private readonly string _file = Path.Combine(Path.GetTempPath(), "pipeline-netrc-" + Guid.NewGuid().ToString("N"));
    private readonly LoopbackServerFixture _server = new();

    public static TheoryData<string> Kinds => TestSessions.Kinds;

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        await File.WriteAllTextAsync(_file, """
            # comment line
            machine 127.0.0.1 login ipuser password ippass
            machine localhost
                login hostuser
                password hostpass
            macdef init
            cd /tmp

            default login fallback password fallbackpass
            """);
        Environment.SetEnvironmentVariable("NETRC", _file);
    }

    public async Task DisposeAsync()
    {
        Environment.SetEnvironmentVariable("NETRC", _savedNetrc);
        File.Delete(_file);
        await _server.DisposeAsync();
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.Latin1.GetBytes($"{user}:{password}"));

    private static string? SentAuthorization(Response response) =>
        response.Json().GetProperty("headers").TryGetProperty("Authorization", out var value) ? value.GetString() : null;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Netrc_EntryForTheHost_IsUsedWhenNoAuthIsGiven_PortIgnored(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(_server.Url("/headers"));

        Assert.Equal(Basic("ipuser", "ippass"), SentAuthorization(response));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Netrc_BeatsUrlUserInfo_AsRequests(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(_server.Url("/headers").Replace("http://", "http://url:creds@"));

        Assert.Equal(Basic("ipuser", "ippass"), SentAuthorization(response));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Netrc_LosesToSessionAuthAndToAHandSetHeader_DepartureForTheHeader(string kind)
    {
        using var handle = TestSessions.Create(kind);

        var handSet = await handle.Session.GetAsync(_server.Url("/headers"), new() { Headers = new() { ["Authorization"] = "Bearer mine" } });
        handle.Session.Auth = ("session", "pw");
        var sessionAuth = await handle.Session.GetAsync(_server.Url("/headers"));

        Assert.Equal("Bearer mine", SentAuthorization(handSet));
        Assert.Equal(Basic("session", "pw"), SentAuthorization(sessionAuth));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Netrc_OffWithTrustEnvFalse_OrAuthNone(string kind)
    {
        using var handle = TestSessions.Create(kind, s => s.TrustEnv = false);

        var noTrust = await handle.Session.GetAsync(_server.Url("/headers"));
        handle.Session.TrustEnv = true;
        var none = await handle.Session.GetAsync(_server.Url("/headers"), new() { Auth = Pipeline.Auth.None });

        Assert.Null(SentAuthorization(noTrust));
        Assert.Null(SentAuthorization(none));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Netrc_ReappliedForTheNewHost_AfterARedirectStrippedAuth(string kind)
    {
        var port = new Uri(_server.App.BaseUrl).Port;
        using var handle = TestSessions.Create(kind);

        var response = await handle.Session.GetAsync(_server.Url("/redirect-with?to=" + Uri.EscapeDataString($"http://localhost:{port}/headers")));

        Assert.Equal(Basic("ipuser", "ippass"), response.History[0].Request.Headers["Authorization"]);
        Assert.Equal(Basic("hostuser", "hostpass"), SentAuthorization(response));
    }

    [Fact]
    public void PrepareRequest_ShowsTheNetrcAuthorization()
    {
        using var session = new Session();

        var prepared = session.PrepareRequest(new Request("GET", "http://unknown.test/"));

        Assert.Equal(Basic("fallback", "fallbackpass"), prepared.Headers["Authorization"]);
    }

    [Theory]
    [InlineData("machine a.test login u password p", "a.test", "u", "p")]
    [InlineData("machine a.test account acct password p", "a.test", "acct", "p")]
    [InlineData("machine a.test login u password p\ndefault login d password dp", "b.test", "d", "dp")]
    [InlineData("default login d password dp\nmachine a.test login u password p", "a.test", "u", "p")]
    // Checked with Python 3.11's netrc and requests 2.34's get_netrc_auth: machine names match exactly (requests passes
    // the lower-case host), the last entry of a name wins, quotes keep spaces, a password-only entry has user "".
    [InlineData("machine A.TEST login u password p\ndefault login d password dp", "a.test", "d", "dp")]
    [InlineData("machine a.test login u1 password p1\nmachine a.test login u2 password p2", "a.test", "u2", "p2")]
    [InlineData("machine a.test login u password \"a b\\\"c\"", "a.test", "u", "a b\"c")]
    [InlineData("machine a.test password onlypw", "a.test", "", "onlypw")]
    public void Lookup_MachineDefaultAndAccount_AsPythonNetrc(string text, string host, string user, string password)
    {
        var auth = NetrcRules.Lookup(text, host);

        Assert.NotNull(auth);
        Assert.Equal(user, auth.User);
        Assert.Equal(password, auth.Password);
    }

    [Fact]
    public void Lookup_NoEntry_IsNull()
    {
        Assert.Null(NetrcRules.Lookup("machine a.test login u password p", "b.test"));
        Assert.Null(NetrcRules.Lookup("machine a.test", "a.test"));
    }
}
