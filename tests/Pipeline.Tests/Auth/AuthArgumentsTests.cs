namespace Pipeline.Tests.Authentication;

public sealed class AuthArgumentsTests
{
    [Fact]
    public void BearerAuth_NullToken_SaysWhereAMissingValueComesFrom()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new BearerAuth(null!));

        Assert.Equal("token", error.ParamName);
        Assert.StartsWith("BearerAuth needs a token, and it is null. A value read from configuration", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void BearerAuth_EmptyToken_IsAnArgumentException(string token)
    {
        var error = Assert.Throws<ArgumentException>(() => new BearerAuth(token));

        Assert.StartsWith("BearerAuth needs a token, and it is empty.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BasicAuth_NullUser_NamesTheSchemeAndTheArgument()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new BasicAuth(null!, "pw"));

        Assert.Equal("user", error.ParamName);
        Assert.StartsWith("BasicAuth needs a user name, and it is null.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProxyAuth_NullPassword_NamesProxyAuth()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new ProxyAuth("user", null!));

        Assert.Equal("password", error.ParamName);
        Assert.StartsWith("ProxyAuth needs a password, and it is null.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DigestAuth_NullPassword_NamesDigestAuth()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new DigestAuth("user", null!));

        Assert.StartsWith("DigestAuth needs a password, and it is null.", error.Message, StringComparison.Ordinal);
    }
}
