using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pipeline.Tests.Docs;

/// <summary>
/// The C# blocks of a Markdown page, compiled as a reader would paste them into a new project. The rules, stated in the
/// README under "Using the examples":
/// <list type="bullet">
/// <item>A block made only of using directives is the page's usings: every other block of the page gets them, on top of
/// the implicit usings of a console project (of an ASP.NET Core project when the block is given a
/// <c>WebApplicationBuilder</c> or <c>WebApplication</c>).</item>
/// <item>A block is a program (top-level statements, then types) or type declarations alone.</item>
/// <item><c>// given: Session session, string url</c> names what a fragment takes from its surroundings; it is declared
/// before the block's statements.</item>
/// <item><c>// package: Name</c> names a package beyond PipelineHttp that the block needs; only then are its assemblies
/// referenced.</item>
/// </list>
/// </summary>
internal static class DocBlocks
{
    // Packages a block may name, with the assemblies they bring. Anything else in the test's references is the
    // framework, Pipeline and its dependencies.
    private static readonly Dictionary<string, string[]> OptionalPackages = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PipelineHttp.Testing"] = ["Pipeline.Testing"],
        ["Microsoft.Extensions.Http.Resilience"] = ["Microsoft.Extensions.Http.Resilience"],
        ["RichardSzalay.MockHttp"] = ["RichardSzalay.MockHttp"],
        ["Microsoft.Extensions.TimeProvider.Testing"] = ["Microsoft.Extensions.TimeProvider.Testing"],
        ["xunit"] = ["xunit.core", "xunit.assert", "xunit.abstractions", "xunit.execution.dotnet"],
        ["RedisRateLimiting"] = ["RedisRateLimiting"],
    };

    private static readonly string[] ConsoleUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly string[] WebUsings =
    [
        .. ConsoleUsings, "System.Net.Http.Json", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http",
        "Microsoft.AspNetCore.Routing", "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    private static readonly Lazy<Dictionary<string, MetadataReference>> References = new(LoadReferences);

    private static readonly Lazy<List<ISourceGenerator>> Generators = new(LoadGenerators);

    /// <summary>Gets the repository root (the folder holding Pipeline.sln).</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Reads the ```csharp blocks of a page, each with the line its code starts on.</summary>
    public static List<DocBlock> Read(string relativePath)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot, relativePath));
        var blocks = new List<DocBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].Trim() != "```")
            {
                end++;
            }

            var code = lines[start..end];
            blocks.Add(new DocBlock(relativePath, start + 1, string.Join('\n', code), Directives(code, "given"), Directives(code, "package")));
            i = end;
        }

        return blocks;
    }

    /// <summary>Gets the page's usings block (a block of using directives only), or an empty list.</summary>
    public static List<string> PageUsings(IEnumerable<DocBlock> blocks) =>
        blocks.FirstOrDefault(b => b.IsUsingsOnly)?.Code.Split('\n').Where(l => l.StartsWith("using ", StringComparison.Ordinal)).ToList() ?? [];

    /// <summary>Compiles a block as its rules say; the errors come back as "page:line: message".</summary>
    public static (Compilation Compilation, List<string> Errors) Compile(DocBlock block, IReadOnlyList<string> pageUsings)
    {
        var unknown = block.Packages.Where(p => !OptionalPackages.ContainsKey(p)).ToList();
        if (unknown.Count > 0)
        {
            return (CSharpCompilation.Create("Unused"), [$"{block.File}:{block.Line}: the block names package(s) {string.Join(", ", unknown)} that the docs tests do not reference: add them to Pipeline.Tests.csproj and DocBlocks.OptionalPackages."]);
        }

        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var web = block.Given.Any(g => g.StartsWith("WebApplication", StringComparison.Ordinal));
        var prelude = string.Join('\n', (web ? WebUsings : ConsoleUsings).Select(u => $"global using {u};"))
            + "\n" + string.Join('\n', pageUsings.Select(u => "global " + u));
        var tree = CSharpSyntaxTree.ParseText(WithGivens(block, options), options, path: block.File);
        var isProgram = tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            "DocBlock_" + block.Line,
            [CSharpSyntaxTree.ParseText(prelude, options, path: "usings.cs"), tree],
            ReferencesFor(block),
            new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        // Source generators run as in a real build, so a block may declare a JsonSerializerContext.
        CSharpGeneratorDriver.Create(Generators.Value, parseOptions: options)
            .RunGeneratorsAndUpdateCompilation(compilation, out var generated, out _);
        compilation = (CSharpCompilation)generated;
        var errors = compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{block.File}:{block.Line + d.Location.GetLineSpan().StartLinePosition.Line}: {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
            .ToList();
        return (compilation, errors);
    }

    /// <summary>Compiles a block of xunit test classes and runs every <c>[Fact]</c> in it (with <c>IAsyncLifetime</c>, as xunit would).</summary>
    public static async Task<List<string>> RunFactsAsync(Compilation compilation)
    {
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join('\n', emitted.Diagnostics));
        image.Position = 0;
        var context = new AssemblyLoadContext("DocBlock", isCollectible: true);
        var ran = new List<string>();
        try
        {
            var assembly = context.LoadFromStream(image);
            foreach (var type in assembly.GetExportedTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
            {
                foreach (var fact in type.GetMethods().Where(m => m.GetCustomAttributes().Any(a => a.GetType().FullName == "Xunit.FactAttribute")))
                {
                    var instance = Activator.CreateInstance(type)!;
                    if (instance is IAsyncLifetime lifetime)
                    {
                        await lifetime.InitializeAsync();
                    }

                    try
                    {
                        if (fact.Invoke(instance, null) is Task task)
                        {
                            await task;
                        }
                    }
                    catch (TargetInvocationException ex) when (ex.InnerException is not null)
                    {
                        throw new InvalidOperationException($"{type.Name}.{fact.Name} failed: {ex.InnerException.Message}", ex.InnerException);
                    }
                    finally
                    {
                        if (instance is IAsyncLifetime done)
                        {
                            await done.DisposeAsync();
                        }
                        else if (instance is IDisposable disposable)
                        {
                            disposable.Dispose();
                        }
                    }

                    ran.Add($"{type.Name}.{fact.Name}");
                }
            }
        }
        finally
        {
            context.Unload();
        }

        return ran;
    }

    // Declares the givens on the line of the block's first statement or type, so diagnostics keep the block's lines.
    private static string WithGivens(DocBlock block, CSharpParseOptions options)
    {
        if (block.Given.Count == 0)
        {
            return block.Code;
        }

        var root = CSharpSyntaxTree.ParseText(block.Code, options).GetCompilationUnitRoot();
        var declarations = string.Concat(block.Given.Select(g => $"{g} = default!; "));
        var at = root.Members.Count == 0 ? block.Code.Length : root.Members[0].SpanStart;
        var lineStart = block.Code.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
        return block.Code[..lineStart] + declarations + block.Code[lineStart..];
    }

    private static List<MetadataReference> ReferencesFor(DocBlock block)
    {
        var optional = OptionalPackages.Values.SelectMany(a => a).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var wanted = block.Packages.SelectMany(p => OptionalPackages[p]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return References.Value.Where(r => !optional.Contains(r.Key) || wanted.Contains(r.Key)).Select(r => r.Value).ToList();
    }

    private static Dictionary<string, MetadataReference> LoadReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return paths
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (Name: Path.GetFileNameWithoutExtension(p), Path: p))
            .Where(p => !p.Name.StartsWith("Pipeline.Tests", StringComparison.Ordinal))
            .DistinctBy(p => p.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(p => p.Name, p => (MetadataReference)MetadataReference.CreateFromFile(p.Path), StringComparer.OrdinalIgnoreCase);
    }

    // System.Text.Json's source generator, from the SDK's reference pack of the running framework.
    private static List<ISourceGenerator> LoadGenerators()
    {
        var dotnetRoot = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location))))!;
        var packs = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        var path = Directory.GetDirectories(packs)
            .Where(d => Path.GetFileName(d).StartsWith(Environment.Version.Major + ".", StringComparison.Ordinal))
            .Select(d => Path.Combine(d, "analyzers", "dotnet", "cs", "System.Text.Json.SourceGeneration.dll"))
            .Where(File.Exists)
            .OrderDescending(StringComparer.Ordinal)
            .FirstOrDefault() ?? throw new InvalidOperationException("System.Text.Json.SourceGeneration.dll was not found under " + packs);
        return [.. new Microsoft.CodeAnalysis.Diagnostics.AnalyzerFileReference(path, new GeneratorLoader()).GetGenerators(LanguageNames.CSharp)];
    }

    private static List<string> Directives(string[] code, string name)
    {
        var prefix = $"// {name}:";
        return code
            .Select(l => l.Trim())
            .Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
            .SelectMany(l => SplitTopLevel(l[prefix.Length..]))
            .ToList();
    }

    // "Dictionary<string, string> map, Session session" -> two items: commas inside <> do not split.
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var current = new StringBuilder();
        foreach (var c in text)
        {
            depth += c == '<' ? 1 : c == '>' ? -1 : 0;
            if (c == ',' && depth == 0)
            {
                yield return current.ToString().Trim();
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.ToString().Trim() is { Length: > 0 } last)
        {
            yield return last;
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Pipeline.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Pipeline.sln was not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Loads a generator assembly into the test's own context, where Roslyn is already loaded.</summary>
internal sealed class GeneratorLoader : Microsoft.CodeAnalysis.IAnalyzerAssemblyLoader
{
    public void AddDependencyLocation(string fullPath)
    {
    }

    public Assembly LoadFromPath(string fullPath) => AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
}

/// <summary>One ```csharp block: the page, the line its code starts on, the code and its directives.</summary>
internal sealed record DocBlock(string File, int Line, string Code, IReadOnlyList<string> Given, IReadOnlyList<string> Packages)
{
    public bool IsUsingsOnly => Code.Split('\n').All(l => l.Trim().Length == 0 || l.StartsWith("using ", StringComparison.Ordinal) || l.TrimStart().StartsWith("//", StringComparison.Ordinal))
        && Code.Contains("using ", StringComparison.Ordinal);

    public override string ToString() => $"{File}:{Line}";
}
