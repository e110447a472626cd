using System.Net;
using CsCheck;
using Pipeline.Tests.Infrastructure;
using Xunit.Sdk;

namespace Pipeline.Tests.Reliability;

/// <summary>
/// Properties over generated URLs, params, headers, Set-Cookie and Location values: only documented exceptions
/// (ArgumentException or RequestException and their subclasses), and never CR, LF or NUL in what a mounted stub
/// adapter receives. A failure names the seed that replays it (<see cref="Property"/>).
/// </summary>
[Trait("Category", "Reliability")]
public sealed class HostileInputPropertyTests
{
    private static readonly DateTime Now = new(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public Task PrepareRequest_GeneratedUrlParamsAndHeaders_OnlyDocumentedExceptions_NothingBrokenOnTheWire() =>
        Property.CheckAsync(Gen.Select(HostileGen.Url, HostileGen.Params, HostileGen.Headers), async input =>
        {
            var (url, parameters, headers) = input;
            var (session, stub) = StubSession();
            using var _ = session;

            PreparedRequest? prepared = null;
            Property.AssertDocumented(Record.Exception(() => prepared = session.PrepareRequest(new Request("GET", url) { Params = parameters, Headers = headers })));
            if (prepared is not null)
            {
                // A non-HTTP URL is prepared as given, as requests' prepare_url, and no adapter sends it.
                var isHttp = prepared.Url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || prepared.Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
                if (isHttp && Property.HasBreak(prepared.Url))
                {
                    throw new XunitException($"Prepared URL with CR, LF or NUL: {Property.Show(prepared.Url)}");
                }

                if (prepared.Headers.FirstOrDefault(h => Property.HasBreak(h.Key) || Property.HasBreak(h.Value)) is { Key: not null } broken)
                {
                    throw new XunitException($"Prepared header with CR, LF or NUL: {Property.Show(broken.Key)}: {Property.Show(broken.Value)}");
                }

                Property.AssertDocumented(await Record.ExceptionAsync(() => session.SendAsync(prepared)));
            }

            Property.AssertDocumented(await Record.ExceptionAsync(() => session.GetAsync(url, new() { Params = parameters, Headers = headers })));
            stub.Requests.ForEach(Property.AssertCleanOnTheWire);
        });

    [Fact]
    public Task HeaderValidation_GeneratedNamesAndValues_InvalidHeaderOrNothingBrokenOnTheWire() =>
        Property.CheckAsync(Gen.Select(HostileGen.HeaderName, HostileGen.Text(0, 20)), async input =>
        {
            var (name, value) = input;
            var (session, stub) = StubSession();
            using var _ = session;

            var rule = Record.Exception(() => HeaderRules.Validate(name, value));
            var asRequestHeader = await Record.ExceptionAsync(() => session.GetAsync("http://example.test/", new() { Headers = new() { [name] = value } }));
            var asSessionHeader = Record.Exception(() => session.Headers[name] = value) ?? await Record.ExceptionAsync(() => session.GetAsync("http://example.test/"));

            Assert.True(rule is null or InvalidHeaderException, $"HeaderRules.Validate: {rule}");
            Property.AssertDocumented(asRequestHeader);
            Property.AssertDocumented(asSessionHeader);
            if (rule is null && Property.HasBreak(value))
            {
                throw new XunitException($"Validate accepted {Property.Show(value)}");
            }

            stub.Requests.ForEach(Property.AssertCleanOnTheWire);
        });

    [Fact]
    public Task ParseSetCookie_GeneratedHeaders_NeverThrows_AndNoCookieHoldsABreak() =>
        Property.CheckAsync(Gen.Select(HostileGen.SetCookie, Gen.OneOf("http://example.test/a/b", "https://www.example.co.uk/", "http://127.0.0.1:8080/x")), input =>
        {
            var (header, url) = input;

            CookieEntry? entry = null;
            var error = Record.Exception(() => entry = CookieRules.ParseSetCookie(header, new Uri(url), Now, out _));

            if (error is not null)
            {
                throw new XunitException($"{Property.Show(header)} from {url}: {error}");
            }

            if (entry is not null && new[] { entry.Cookie.Name, entry.Cookie.Value, entry.Cookie.Domain, entry.Cookie.Path }.Any(Property.HasBreak))
            {
                throw new XunitException($"Stored {Property.Show(entry.Cookie.ToString())} from {Property.Show(header)}");
            }
        });

    [Fact]
    public Task SetCookie_GeneratedHeadersReceivedBySession_OnlyDocumentedExceptions_NothingBrokenOnTheWire() =>
        Property.CheckAsync(HostileGen.SetCookie.Array[1, 3], async setCookies =>
        {
            var (session, stub) = StubSession(request =>
            {
                var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ok") };
                if (request.RequestUri!.AbsolutePath == "/set")
                {
                    foreach (var value in setCookies)
                    {
                        response.Headers.TryAddWithoutValidation("Set-Cookie", value);
                    }
                }

                return response;
            });
            using var _ = session;

            Property.AssertDocumented(await Record.ExceptionAsync(() => session.GetAsync("http://www.example.test/a/set")));
            Property.AssertDocumented(await Record.ExceptionAsync(() => session.GetAsync("http://www.example.test/a/next")));
            Property.AssertDocumented(await Record.ExceptionAsync(() => session.GetAsync("http://other.example.test/")));

            stub.Requests.ForEach(Property.AssertCleanOnTheWire);
            foreach (var cookie in session.Cookies)
            {
                if (Property.HasBreak(cookie.Name) || Property.HasBreak(cookie.Value))
                {
                    throw new XunitException($"The jar holds {Property.Show(cookie.ToString())}");
                }
            }
        });

    [Fact]
    public Task RedirectRules_GeneratedLocations_OnlyInvalidUrlException_AndNoBreakInTheTarget() =>
        Property.CheckAsync(Gen.Select(HostileGen.Location, Gen.OneOf("http://example.test/a/b?q=1#f", "https://example.test/", "http://127.0.0.1:8080/x")), input =>
        {
            var (location, previous) = input;
            string? next = null;

            var error = Record.Exception(() =>
            {
                if (RedirectRules.GetRedirectTarget(HttpStatusCode.Found, location) is { } target)
                {
                    next = RedirectRules.ResolveLocation(new Uri(previous), target);
                }
            });

            Assert.True(error is null or InvalidUrlException, $"{Property.Show(location)}: {error}");
            Assert.False(Property.HasBreak(next), $"{Property.Show(location)} resolved to {Property.Show(next)}");
        });

    [Fact]
    public Task Redirect_GeneratedLocationThroughAStub_OnlyDocumentedExceptions_NothingBrokenOnTheWire() =>
        Property.CheckAsync(HostileGen.Location, async location =>
        {
            var (session, stub) = StubSession(request =>
                request.RequestUri!.AbsolutePath == "/start"
                    ? Redirect(location)
                    : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("ok") });
            using var _ = session;
            session.MaxRedirects = 3;
            session.Auth = new BasicAuth("user", "secret");

            Response? response = null;
            Property.AssertDocumented(await Record.ExceptionAsync(async () => response = await session.GetAsync("http://example.test/start")));
            Property.AssertDocumented(await Record.ExceptionAsync(() => session.GetAsync("http://example.test/start", new() { AllowRedirects = false })));

            stub.Requests.ForEach(Property.AssertCleanOnTheWire);
            if (response is not null && Property.HasBreak(response.Url))
            {
                throw new XunitException($"Response.Url {Property.Show(response.Url)}");
            }

            // The credentials of the first hop go to its host only (requests' should_strip_auth).
            foreach (var hop in stub.Requests.Skip(1).Where(r => r.Headers.Authorization is not null))
            {
                Assert.Equal("example.test", hop.RequestUri!.IdnHost);
            }
        });

    private static HttpResponseMessage Redirect(string location)
    {
        var response = new HttpResponseMessage(HttpStatusCode.Found);
        response.Headers.TryAddWithoutValidation("Location", location);
        return response;
    }

    private static (Session Session, StubHandler Stub) StubSession(Func<HttpRequestMessage, HttpResponseMessage>? respond = null)
    {
        var stub = new StubHandler(respond);
        var session = new Session { TrustEnv = false };
        session.Mount("http://", stub);
        session.Mount("https://", stub);
        return (session, stub);
    }
}
