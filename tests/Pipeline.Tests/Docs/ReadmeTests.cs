namespace Pipeline.Tests.Docs;

/// <summary>Every ```csharp block of README.md compiles as shown (rules: README, "Using the examples"; <see cref="DocBlocks"/>).</summary>
public sealed class ReadmeTests
{
    private const string Page = "README.md";

    public static TheoryData<int> Blocks => [.. DocBlocks.Read(Page).Where(b => !b.IsUsingsOnly).Select(b => b.Line)];

    [Theory]
    [MemberData(nameof(Blocks))]
    public void ReadmeBlock_Compiles(int line)
    {
        var blocks = DocBlocks.Read(Page);
        var block = blocks.Single(b => b.Line == line);

        var (_, errors) = DocBlocks.Compile(block, DocBlocks.PageUsings(blocks));

        Assert.True(errors.Count == 0, $"The C# block at {Page} line {line} does not compile:\n{string.Join('\n', errors)}");
    }

    [Fact]
    public void Readme_HasAUsingsBlock_AndBlocksToCompile()
    {
        var blocks = DocBlocks.Read(Page);

        Assert.Contains("using Pipeline;", DocBlocks.PageUsings(blocks));
        Assert.True(blocks.Count(b => !b.IsUsingsOnly) >= 10, "README.md lost its C# blocks, or the fence is no longer ```csharp.");
    }

    // README says its Quick start is the sample's Program.cs; the sample runs in CI, so the two must not drift apart.
    [Fact]
    public void QuickStart_IsTheQuickstartSample()
    {
        var sample = File.ReadAllText(Path.Combine(DocBlocks.RepositoryRoot, "samples", "Quickstart", "Program.cs")).ReplaceLineEndings("\n");

        Assert.Contains(DocBlocks.Read(Page), b => b.Code + "\n" == sample);
    }

    [Fact]
    public void Compile_ABrokenBlock_NamesThePageAndLine()
    {
        var block = new DocBlock(Page, 40, "using var session = new Session();\nsession.Nope();", [], []);

        var (_, errors) = DocBlocks.Compile(block, ["using Pipeline;"]);

        var error = Assert.Single(errors);
        Assert.StartsWith("README.md:41: CS1061", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_PackageNotNamed_IsNotReferenced()
    {
        var code = "var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();\nservices.AddSession(\"a\").AddStandardResilienceHandler();";
        var without = new DocBlock(Page, 1, code, [], []);
        var with = new DocBlock(Page, 1, code, [], ["Microsoft.Extensions.Http.Resilience"]);

        var usings = new[] { "using Microsoft.Extensions.DependencyInjection;" };

        Assert.Contains(DocBlocks.Compile(without, usings).Errors, e => e.Contains("AddStandardResilienceHandler", StringComparison.Ordinal));
        Assert.Empty(DocBlocks.Compile(with, usings).Errors);
    }
}
