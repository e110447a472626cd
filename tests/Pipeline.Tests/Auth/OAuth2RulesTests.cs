using System.Net;
using System.Text;

namespace Pipeline.Tests.Authentication;

public sealed class OAuth2RulesTests
{
    [Theory]
    [InlineData("abc-XYZ_0.9*", "abc-XYZ_0.9*")]
    [InlineData("a b", "a+b")]
    [InlineData("p@ss:w/rd", "p%40ss%3Aw%2Frd")]
    [InlineData("~!()'", "%7E%21%28%29%27")]
    [InlineData("é", "%C3%A9")]
    [InlineData("😀", "%F0%9F%98%80")]
    public void FormEncode_FollowsAppendixB(string value, string expected)
    {
        Assert.Equal(expected, OAuth2Rules.FormEncode(value));
    }

    [Fact]
    public void BasicCredentials_FormEncodesIdAndSecretBeforeBase64()
    {
        var header = OAuth2Rules.BasicCredentials("my client", "p@ss:w/rd");

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("my+client:p%40ss%3Aw%2Frd")), header);
    }

    [Theory]
    [InlineData(3600, 30, 3570)]
    [InlineData(60, 30, 30)]
    [InlineData(20, 30, 10)]
    [InlineData(0, 30, 0)]
    public void UsableLifetime_IsExpiresInLessTheSkew_OrHalfWhenTheSkewWouldUseItAll(int expiresIn, int skew, int expected)
    {
        Assert.Equal(TimeSpan.FromSeconds(expected), OAuth2Rules.UsableLifetime(TimeSpan.FromSeconds(expiresIn), TimeSpan.FromSeconds(skew)));
    }

    [Fact]
    public void UsableLifetime_NoExpiresIn_IsUntilA401()
    {
        Assert.Null(OAuth2Rules.UsableLifetime(null, TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("""{"access_token":"t","token_type":"Bearer","expires_in":3600}""", 3600)]
    [InlineData("""{"access_token":"t","token_type":"bearer","expires_in":"120"}""", 120)]
    [InlineData("""{"access_token":"t","token_type":"BEARER"}""", null)]
    public void ParseTokenResponse_ReadsTheToken(string json, int? expiresIn)
    {
        var token = Parse(HttpStatusCode.OK, json);

        Assert.Equal("t", token.AccessToken);
        Assert.Equal(expiresIn is null ? null : TimeSpan.FromSeconds(expiresIn.Value), token.ExpiresIn);
    }

    [Theory]
    [InlineData("""{"access_token":"t"}""", "no token_type")]
    [InlineData("""{"access_token":"t","token_type":"mac"}""", "'mac'")]
    [InlineData("""{"token_type":"Bearer"}""", "without an access_token")]
    [InlineData("""[1,2]""", "not an object")]
    [InlineData("""{"access_token":"a\nb","token_type":"Bearer"}""", "control characters")]
    public void ParseTokenResponse_Unusable_IsOAuth2Exception(string json, string expected)
    {
        var error = Assert.Throws<OAuth2Exception>(() => Parse(HttpStatusCode.OK, json));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ParseTokenResponse_ErrorResponse_CarriesTheFields()
    {
        var error = Assert.Throws<OAuth2Exception>(() =>
            Parse(HttpStatusCode.BadRequest, """{"error":"invalid_request","error_description":"missing scope","error_uri":"https://e/x"}"""));

        Assert.Equal("invalid_request", error.Error);
        Assert.Equal("missing scope", error.ErrorDescription);
        Assert.Equal("https://e/x", error.ErrorUri);
        Assert.Equal("The token endpoint https://idp.example/token refused the token request (400 Bad Request): invalid_request: missing scope (see https://e/x)", error.Message);
    }

    [Fact]
    public void ParseTokenResponse_ErrorIn200_IsStillAnError()
    {
        var error = Assert.Throws<OAuth2Exception>(() => Parse(HttpStatusCode.OK, """{"error":"slow_down"}"""));

        Assert.Equal("slow_down", error.Error);
    }

    private static OAuth2TokenResponse Parse(HttpStatusCode status, string json) =>
        OAuth2Rules.ParseTokenResponse(status, status.ToString() == "BadRequest" ? "Bad Request" : "OK", "application/json", Encoding.UTF8.GetBytes(json), "https://idp.example/token", ["secret"]);
}
