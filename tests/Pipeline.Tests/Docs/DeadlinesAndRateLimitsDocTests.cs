namespace Pipeline.Tests.Docs;

/// <summary>Every ```csharp block of docs/deadlines-and-rate-limits.md compiles as shown (the README's rules).</summary>
public sealed class DeadlinesAndRateLimitsDocTests
{
    private const string Page = "docs/deadlines-and-rate-limits.md";

    public static TheoryData<int> Blocks => [.. DocBlocks.Read(Page).Where(b => !b.IsUsingsOnly).Select(b => b.Line)];

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Block_Compiles(int line)
    {
        var blocks = DocBlocks.Read(Page);
        var block = blocks.Single(b => b.Line == line);

        var (_, errors) = DocBlocks.Compile(block, DocBlocks.PageUsings(blocks));

        Assert.True(errors.Count == 0, $"The C# block at {Page} line {line} does not compile:\n{string.Join('\n', errors)}");
    }

    [Fact]
    public void Page_HasItsUsings_AndTheRedisSample()
    {
        var blocks = DocBlocks.Read(Page);

        Assert.Contains("using System.Threading.RateLimiting;", DocBlocks.PageUsings(blocks));
        Assert.Contains(blocks, b => b.Packages.Contains("RedisRateLimiting") && b.Code.Contains("RedisFixedWindowRateLimiter", StringComparison.Ordinal));
    }
}
