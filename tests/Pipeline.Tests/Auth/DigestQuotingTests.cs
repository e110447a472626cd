using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Tests.Authentication;

/// <summary>
/// A challenge's quoted-strings are written back as quoted-strings (RFC 9110 section 5.6.4, RFC 7616): a realm, nonce
/// or opaque holding <c>"</c> or <c>\</c> cannot add parameters to the client's Authorization header.
/// </summary>
public sealed class DigestQuotingTests
{
    private const string HostileRealm = "a\", uri=\"/evil\", response=\"0000";

    [Fact]
    public void Find_QuotedStringsWithEscapes_AreUnescaped()
    {
        var challenge = DigestChallenge.Find(["Digest realm=\"a\\\", uri=\\\"/evil\\\", response=\\\"0000\", nonce=\"n\\\\1\", opaque=\"o\\\"p\", qop=\"auth\""]);

        Assert.NotNull(challenge);
        Assert.Equal(HostileRealm, challenge.Realm);
        Assert.Equal("n\\1", challenge.Nonce);
        Assert.Equal("o\"p", challenge.Opaque);
    }

    [Fact]
    public void BuildHeader_HostileRealmNonceAndOpaque_CannotInjectParameters()
    {
        var challenge = new DigestChallenge(HostileRealm, "n\", uri=\"/nonce", "auth", "MD5", "o\\\", response=\"1");

        var header = DigestAuth.BuildHeader("user", "pass", "GET", new Uri("http://h/real?q=1"), challenge, 1, "c0ffee");

        var parameters = ParseStrict(header!["Digest ".Length..]);
        Assert.Equal(parameters.Count, parameters.Select(p => p.Key).Distinct().Count());
        var map = parameters.ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("/real?q=1", map["uri"]);
        Assert.Equal(HostileRealm, map["realm"]);
        Assert.Equal("n\", uri=\"/nonce", map["nonce"]);
        Assert.Equal("o\\\", response=\"1", map["opaque"]);
    }

    [Fact]
    public void BuildHeader_UserNameWithQuoteAndBackslash_IsEscapedAndHashedUnescaped()
    {
        var challenge = new DigestChallenge("r\"ealm", "nonce", null, "MD5", null);

        var header = DigestAuth.BuildHeader("us\"er\\", "pass", "GET", new Uri("http://h/p"), challenge, 1, "c");

        var map = ParseStrict(header!["Digest ".Length..]).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("us\"er\\", map["username"]);
        var ha1 = Md5("us\"er\\:r\"ealm:pass");
        var ha2 = Md5("GET:/p");
        Assert.Equal(Md5($"{ha1}:nonce:{ha2}"), map["response"]);
    }

    [Fact]
    public void BuildHeader_QuotedValues_RoundTripThroughTheChallengeParser()
    {
        var challenge = new DigestChallenge(HostileRealm, "n\\\"", "auth", "MD5-sess", "\\");

        var header = DigestAuth.BuildHeader("u", "p", "GET", new Uri("http://h/"), challenge, 1, "c");
        var parsed = DigestChallenge.ParseDictHeader(header!["Digest ".Length..]);

        Assert.Equal(HostileRealm, parsed["realm"]);
        Assert.Equal("n\\\"", parsed["nonce"]);
        Assert.Equal("\\", parsed["opaque"]);
        Assert.Equal("MD5-sess", parsed["algorithm"]);
        Assert.Equal("/", parsed["uri"]);
    }

    // A strict RFC 9110 auth-param list parser: token "=" ( token / quoted-string ), comma-separated.
    private static List<KeyValuePair<string, string>> ParseStrict(string text)
    {
        var result = new List<KeyValuePair<string, string>>();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ','))
            {
                i++;
            }

            var keyStart = i;
            while (i < text.Length && text[i] != '=')
            {
                i++;
            }

            var key = text[keyStart..i];
            i++;
            var value = new StringBuilder();
            if (text[i] == '"')
            {
                i++;
                while (text[i] != '"')
                {
                    if (text[i] == '\\')
                    {
                        i++;
                    }

                    value.Append(text[i++]);
                }

                i++;
            }
            else
            {
                while (i < text.Length && text[i] != ',')
                {
                    value.Append(text[i++]);
                }
            }

            result.Add(new(key, value.ToString()));
        }

        return result;
    }

    private static string Md5(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));
}
