namespace Pipeline.Tests.Caching;

public sealed class CacheEntrySerializerTests
{
    [Fact]
    public void SerializeThenDeserialize_RoundTripsEveryField()
    {
        var entry = new CacheEntry
        {
            Status = 203,
            Reason = "Non-Authoritative",
            Decoded = true,
            Headers = [new("Content-Type", "text/plain; charset=utf-8"), new("Set-Cookie", "a=1"), new("Set-Cookie", "b=2"), new("X-Ünicode", "wert")],
            Body = [0, 1, 2, 255],
            RequestTime = CacheEntries.Received.AddMilliseconds(-15),
            ResponseTime = CacheEntries.Received,
            VaryNames = ["accept", "x-absent"],
            VaryValues = ["*/*", null],
        };

        var copy = Assert.Single(CacheEntrySerializer.Deserialize(CacheEntrySerializer.Serialize([entry]))!);

        Assert.Equal(entry.Status, copy.Status);
        Assert.Equal(entry.Reason, copy.Reason);
        Assert.True(copy.Decoded);
        Assert.Equal(entry.Headers, copy.Headers);
        Assert.Equal(entry.Body, copy.Body);
        Assert.Equal(entry.RequestTime, copy.RequestTime);
        Assert.Equal(entry.ResponseTime, copy.ResponseTime);
        Assert.Equal(entry.VaryNames, copy.VaryNames);
        Assert.Equal(entry.VaryValues, copy.VaryValues);
    }

    [Fact]
    public void Serialize_StartsWithTheVersionByte() =>
        Assert.Equal(CacheEntrySerializer.Version, CacheEntrySerializer.Serialize([CacheEntries.Create()])[0]);

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 2, 1, 0, 0, 0 })]
    [InlineData(new byte[] { 1, 1, 0, 0, 0, 5 })]
    [InlineData(new byte[] { 1, 255, 255, 255, 255 })]
    public void Deserialize_OtherVersionOrDamaged_IsNull(byte[] data) =>
        Assert.Null(CacheEntrySerializer.Deserialize(data));

    [Fact]
    public void Deserialize_Truncated_IsNull()
    {
        var data = CacheEntrySerializer.Serialize([CacheEntries.Create()]);

        Assert.Null(CacheEntrySerializer.Deserialize(data[..^2]));
    }
}
