using System.Runtime.CompilerServices;
using System.Text;

namespace Pipeline.Tests.Responses;

// requests' iter_lines (bytes.splitlines, or split(delimiter)), checked against requests 2.34.
public sealed class LineSplitterTests
{
    [Theory]
    [InlineData("a\nb\r\nc\rd", new[] { "a", "b", "c", "d" })]
    [InlineData("a\n\nb", new[] { "a", "", "b" })]
    [InlineData("a\nb\n", new[] { "a", "b" })]
    [InlineData("a\rb", new[] { "a", "b" })]
    [InlineData("a\r\r\nb", new[] { "a", "", "b" })]
    [InlineData("\n", new[] { "" })]
    [InlineData("abc", new[] { "abc" })]
    [InlineData("", new string[0])]
    [InlineData("a\fb\vc", new[] { "a\fb\vc" })]
    public async Task SplitAsync_DefaultDelimiter_SplitsLikeBytesSplitlines(string body, string[] expected)
    {
        var lines = await SplitAsync(Chunks(body, 512), Encoding.UTF8, null);

        Assert.Equal(expected, lines);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(512)]
    public async Task SplitAsync_CrLfStraddlingChunks_IsOneLineBreak(int chunkSize)
    {
        // Acceptance check 50: requests yields [a, '', b] for iter_lines(chunk_size=1) on a\r\nb, because each chunk is
        // split on its own; Pipeline carries the \r over, so every chunk size gives requests' default-size result.
        var lines = await SplitAsync(Chunks("a\r\nb", chunkSize), Encoding.UTF8, null);

        Assert.Equal(["a", "b"], lines);
    }

    [Fact]
    public async Task SplitAsync_CrAtEndOfChunkThenText_EndsTheLine()
    {
        var lines = await SplitAsync(Chunks(["a\r", "b\n", "c"]), Encoding.UTF8, null);

        Assert.Equal(["a", "b", "c"], lines);
    }

    [Fact]
    public async Task SplitAsync_CrLfSplitAndBlankLineFollows_KeepsTheBlankLine()
    {
        var lines = await SplitAsync(Chunks(["a\r", "\n\r", "\nb"]), Encoding.UTF8, null);

        Assert.Equal(["a", "", "b"], lines);
    }

    [Fact]
    public async Task SplitAsync_MultiByteCharacterSplitAcrossChunks_IsDecodedWhole()
    {
        var bytes = "é\n€"u8.ToArray();

        var lines = await SplitAsync(ByteChunks(bytes, 1), Encoding.UTF8, null);

        Assert.Equal(["é", "€"], lines);
    }

    [Fact]
    public async Task SplitAsync_Latin1_DecodesWithTheGivenEncoding()
    {
        var lines = await SplitAsync(ByteChunks([(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'\n', (byte)'x'], 2), Encoding.Latin1, null);

        Assert.Equal(["café", "x"], lines);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(512)]
    public async Task SplitAsync_CustomDelimiterStraddlingChunks_SplitsOnlyOnTheDelimiter(int chunkSize)
    {
        // requests yields empty pieces when a multi-character delimiter straddles chunks; Pipeline does not.
        var lines = await SplitAsync(Chunks("a||b||c", chunkSize), Encoding.UTF8, "||");

        Assert.Equal(["a", "b", "c"], lines);
    }

    [Theory]
    [InlineData("a|b||c", "|", new[] { "a", "b", "", "c" })]
    [InlineData("a\nb|c", "|", new[] { "a\nb", "c" })]
    [InlineData("a\r\nb\r\n\r\nc", "\r\n", new[] { "a", "b", "", "c" })]
    [InlineData("abc", "|", new[] { "abc" })]
    [InlineData("", "|", new string[0])]
    public async Task SplitAsync_CustomDelimiter_SplitsLikeStrSplit(string body, string delimiter, string[] expected)
    {
        var lines = await SplitAsync(Chunks(body, 2), Encoding.UTF8, delimiter);

        Assert.Equal(expected, lines);
    }

    [Theory]
    [InlineData("a||b||", 512, new[] { "a", "b", "" })]
    [InlineData("a||b||", 1, new[] { "a", "b", "" })]
    [InlineData("||", 512, new[] { "", "" })]
    public async Task SplitAsync_CustomDelimiterAtEnd_YieldsTrailingEmptyPieceAsRequests(string body, int chunkSize, string[] expected)
    {
        var lines = await SplitAsync(Chunks(body, chunkSize), Encoding.UTF8, "||");

        Assert.Equal(expected, lines);
    }

    [Fact]
    public async Task SplitAsync_CancelledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => SplitAsync(Chunks("a\nb", 1), Encoding.UTF8, null, cts.Token));
    }

    [Fact]
    public async Task SplitAsync_LinesBeforeTheEnd_AreYieldedBeforeLaterChunksAreRead()
    {
        var gate = new TaskCompletionSource();
        var enumerator = LineSplitter.SplitAsync(GatedChunks(gate.Task), Encoding.UTF8, null, CancellationToken.None)
            .GetAsyncEnumerator();

        try
        {
            Assert.True(await enumerator.MoveNextAsync());
            Assert.Equal("first", enumerator.Current);
            Assert.False(gate.Task.IsCompleted);

            gate.SetResult();
            Assert.True(await enumerator.MoveNextAsync());
            Assert.Equal("second", enumerator.Current);
            Assert.False(await enumerator.MoveNextAsync());
        }
        finally
        {
            await enumerator.DisposeAsync();
        }
    }

    private static async Task<List<string>> SplitAsync(
        IAsyncEnumerable<ReadOnlyMemory<byte>> chunks, Encoding encoding, string? delimiter, CancellationToken cancellationToken = default)
    {
        var lines = new List<string>();
        await foreach (var line in LineSplitter.SplitAsync(chunks, encoding, delimiter, cancellationToken))
        {
            lines.Add(line);
        }

        return lines;
    }

    private static IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(string body, int chunkSize) =>
        ByteChunks(Encoding.UTF8.GetBytes(body), chunkSize);

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> ByteChunks(byte[] bytes, int chunkSize)
    {
        for (var offset = 0; offset < bytes.Length; offset += chunkSize)
        {
            await Task.Yield();
            yield return bytes.AsMemory(offset, Math.Min(chunkSize, bytes.Length - offset));
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Chunks(string[] chunks)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return Encoding.UTF8.GetBytes(chunk);
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> GatedChunks(
        Task gate, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return "first\nsec"u8.ToArray();
        await gate.WaitAsync(cancellationToken);
        yield return "ond"u8.ToArray();
    }
}
