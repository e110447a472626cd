using System.Text.Json;

namespace Pipeline.Tests.Har;

/// <summary>A temporary directory for HAR files, removed with the test class.</summary>
public sealed class HarTestFiles : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("pipeline-har-").FullName;

    public string NewPath(string name = "traffic.har") => Path.Combine(Directory, Guid.NewGuid().ToString("N")[..8] + "-" + name);

    public static JsonElement[] Entries(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return [.. document.RootElement.GetProperty("log").GetProperty("entries").EnumerateArray().Select(e => e.Clone())];
    }

    public static string Header(JsonElement message, string name) =>
        message.GetProperty("headers").EnumerateArray()
            .Where(h => string.Equals(h.GetProperty("name").GetString(), name, StringComparison.OrdinalIgnoreCase))
            .Select(h => h.GetProperty("value").GetString()!)
            .FirstOrDefault() ?? string.Empty;

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
