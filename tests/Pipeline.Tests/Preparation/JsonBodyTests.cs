using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Tests.Infrastructure;

namespace Pipeline.Tests.Preparation;

/// <summary>JSON bodies and responses through a source-generated <see cref="JsonSerializerContext"/>, the trimming and Native AOT path.</summary>
[Collection(LoopbackCollection.Name)]
public sealed partial class JsonBodyTests(LoopbackServerFixture server)
{
    public static TheoryData<string> Kinds => TestSessions.Kinds;

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task SetJson_TypeInfo_SendsApplicationJsonWithTheContextsOptions(string kind)
    {
        // The session's options say snake_case; the context's own (camelCase) apply to a body it serializes.
        using var handle = TestSessions.Create(kind, s => s.JsonSerializerOptions = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });

        var response = await handle.Session.PostAsync(server.Url("/post"), new RequestOptions().SetJson(new Pet("Rex", 3), PetJson.Default.Pet));

        var echo = response.Json();
        Assert.Equal("application/json", echo.GetProperty("headers").GetProperty("Content-Type").GetString());
        Assert.Equal("""{"petName":"Rex","age":3}""", echo.GetProperty("data").GetString());
    }

    [Fact]
    public async Task Json_TypeInfo_ReadsTheBodyThroughTheContext()
    {
        using var session = new Session();

        var response = await session.PostAsync(server.Url("/post"), new RequestOptions().SetJson(new Pet("Rex", 3), PetJson.Default.Pet));
        var echo = response.Json(PetJson.Default.PostEcho);

        Assert.Equal(new Pet("Rex", 3), echo!.Json);
    }

    [Fact]
    public void SetJson_ReturnsTheOptions_AndJsonShowsTheValue()
    {
        var pet = new Pet("Rex", 3);
        var options = new RequestOptions { Timeout = TimeSpan.FromSeconds(1) };

        var returned = options.SetJson(pet, PetJson.Default.Pet);

        Assert.Same(options, returned);
        Assert.Same(pet, options.Json);
    }

    [Fact]
    public void SetJson_NullValue_SendsNoJsonBody_AsRequestsJsonNone()
    {
        using var session = new Session();
        var request = new Request("POST", "http://api.test/items").SetJson((Pet)null!, PetJson.Default.Pet);

        var prepared = session.PrepareRequest(request);

        Assert.Empty(prepared.Body!);
        Assert.False(prepared.Headers.ContainsKey("Content-Type"));
    }

    [Fact]
    public void PrepareRequest_RequestSetJson_ShowsTheSerializedBody()
    {
        using var session = new Session();

        var prepared = session.PrepareRequest(new Request("POST", "http://api.test/items").SetJson(new Pet("Rex", 3), PetJson.Default.Pet));

        Assert.Equal("""{"petName":"Rex","age":3}""", System.Text.Encoding.UTF8.GetString(prepared.Body!));
        Assert.Equal("application/json", prepared.Headers["Content-Type"]);
    }

    [Fact]
    public void SetJson_NullTypeInfo_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new RequestOptions().SetJson(new Pet("Rex", 3), null!));
    }

    [Fact]
    public void NewSession_BuildsNoReflectionResolver_UntilReflectionJsonIsUsed()
    {
        using var session = new Session();

        // Web defaults, and no resolver chosen: in a Native AOT app nothing reflective runs for a session that never
        // serializes through these options.
        Assert.Equal(JsonNamingPolicy.CamelCase, session.JsonSerializerOptions.PropertyNamingPolicy);
        Assert.True(session.JsonSerializerOptions.PropertyNameCaseInsensitive);
        Assert.Null(session.JsonSerializerOptions.TypeInfoResolver);
        Assert.False(session.JsonSerializerOptions.IsReadOnly);
    }

    public sealed record Pet(string PetName, int Age);

    public sealed record PostEcho(Pet Json);

    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(Pet))]
    [JsonSerializable(typeof(PostEcho))]
    internal sealed partial class PetJson : JsonSerializerContext;
}
