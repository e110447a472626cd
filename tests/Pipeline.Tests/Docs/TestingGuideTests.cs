namespace Pipeline.Tests.Docs;

/// <summary>Every ```csharp block of docs/testing.md is an xunit test class: it is compiled, and each of its facts runs.</summary>
public sealed class TestingGuideTests
{
    private const string Page = "docs/testing.md";

    public static TheoryData<int> Blocks => [.. DocBlocks.Read(Page).Select(b => b.Line)];

    [Theory]
    [MemberData(nameof(Blocks))]
    public async Task TestingGuideBlock_CompilesAndItsFactsPass(int line)
    {
        var blocks = DocBlocks.Read(Page);
        var block = blocks.Single(b => b.Line == line);

        var (compilation, errors) = DocBlocks.Compile(block, DocBlocks.PageUsings(blocks));
        Assert.True(errors.Count == 0, $"The C# block at {Page} line {line} does not compile:\n{string.Join('\n', errors)}");
        var ran = await DocBlocks.RunFactsAsync(compilation);

        Assert.NotEmpty(ran);
    }

    [Fact]
    public void TestingGuide_HasItsSectionsInOrder()
    {
        var text = File.ReadAllText(Path.Combine(DocBlocks.RepositoryRoot, Page));
        string[] sections = ["## Mount a fake transport", "## With IHttpClientFactory", "## The loopback server", "## Fake time for retries"];

        var positions = sections.Select(s => text.IndexOf(s, StringComparison.Ordinal)).ToList();

        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }
}
