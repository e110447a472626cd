using System.Text.Json;
using System.Text.Json.Serialization;
using AotSmoke;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline;

// Published with PublishAot=true by scripts/aot-smoke.sh: every call below runs as native code, with no JIT and no
// reflection-based JSON. Any failed check exits non-zero.
await using var server = new TinyHttpServer();
var failures = 0;

void Check(bool ok, string what)
{
    Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
    failures += ok ? 0 : 1;
}

using (var session = new Session { BaseAddress = new Uri(server.BaseUrl) })
{
    session.Headers["X-Smoke"] = "aot";

    // GET, read through the source-generated context.
    var get = await session.GetAsync("/get");
    var echo = get.Json(SmokeJson.Default.Echo);
    Check((int)get.StatusCode == 200 && echo is { Method: "GET", Path: "/get", Smoke: "aot" }, $"GET /get -> {(int)get.StatusCode} {echo}");

    // A redirect followed, its cookie stored and sent on the next hop.
    var redirected = await session.GetAsync("/redirect");
    var after = redirected.Json(SmokeJson.Default.Echo);
    Check(redirected.History.Count == 1 && redirected.Url.EndsWith("/get", StringComparison.Ordinal) && after?.Cookie == "flavour=oatmeal",
        $"GET /redirect -> {redirected.Url} after {redirected.History.Count} redirect(s), cookie '{after?.Cookie}'");

    // A JSON body written and read back through the context.
    var sent = new Item("Ada", ["C#", "Python"]);
    var post = await session.PostAsync("/echo", new RequestOptions().SetJson(sent, SmokeJson.Default.Item));
    var back = post.Json(SmokeJson.Default.Item);
    Check(post.Headers["Content-Type"] == "application/json" && back is not null && back.Name == sent.Name && back.Languages.SequenceEqual(sent.Languages),
        $"POST /echo -> {post.Text}");

    // The cookie jar's own JSON persistence is source-generated too.
    using var saved = new MemoryStream();
    await session.Cookies.SaveAsync(saved, CookieFileFormat.Json);
    saved.Position = 0;
    var jar = new CookieJar();
    await jar.LoadAsync(saved, CookieFileFormat.Json);
    Check(jar["flavour"] == "oatmeal", $"cookie jar saved and loaded as JSON: flavour={jar["flavour"]}");
}

// A named session from configuration, through dependency injection: hand-written binding, generated validation.
var configuration = new ConfigurationBuilder()
    .AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Sessions:smoke:BaseAddress"] = server.BaseUrl,
        ["Sessions:smoke:Headers:X-Smoke"] = "di",
        ["Sessions:smoke:MaxRedirects"] = "5",
    })
    .Build();
var services = new ServiceCollection();
services.AddSession("smoke", configuration.GetSection("Sessions:smoke"));
await using (var provider = services.BuildServiceProvider())
{
    using var named = provider.GetRequiredService<ISessionFactory>().Create("smoke");
    var response = await named.GetAsync("/redirect");
    var echo = response.Json(SmokeJson.Default.Echo);
    Check(echo?.Smoke == "di" && named.MaxRedirects == 5, $"AddSession from configuration -> {(int)response.StatusCode}, X-Smoke '{echo?.Smoke}'");
}

Console.WriteLine(failures == 0 ? "AOT smoke: all checks passed" : $"AOT smoke: {failures} check(s) failed");
return failures == 0 ? 0 : 1;

internal sealed record Echo(string Method, string Path, string Cookie, string Smoke);

internal sealed record Item(string Name, string[] Languages);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Echo))]
[JsonSerializable(typeof(Item))]
internal sealed partial class SmokeJson : JsonSerializerContext;
