using System.Text;

namespace Pipeline.RequestsSuite;

/// <summary>requests' <c>class TestRequests</c>: form, file and stream bodies.</summary>
public sealed partial class TestRequests
{
    private const string RequirementsDev = "pytest>=2.8.0,<9\npytest-cov\npytest-httpbin==2.1.0\nhttpbin~=0.10.0\ntrustme\nwheel\ncryptography<40.0.0\n";

    [Fact]
    public async Task test_POSTBIN_GET_POST_FILES()
    {
        var url = httpbin("post");
        (await Requests.PostAsync(url)).RaiseForStatus();

        var post1 = await Requests.PostAsync(url, new() { Data = new Dictionary<string, string> { ["some"] = "data" } });
        Assert.Equal(200, Status(post1));

        var post2 = await PostRequirementsDevAsync(url, data: null);
        Assert.Equal(200, Status(post2));

        var post4 = await Requests.PostAsync(url, new() { Data = "[{\"some\": \"json\"}]" });
        Assert.Equal(200, Status(post4));

        // requests' files=["bad file data"] (ValueError) does not compile in C#: FileMap holds FileItem values.
    }

    [Fact]
    public async Task test_POSTBIN_SEEKED_OBJECT_WITH_NO_ITER()
    {
        // requests' TestStream has read/seek/tell and no __iter__: a seekable Stream.
        var test = new MemoryStream("test"u8.ToArray());
        var post1 = await Requests.PostAsync(httpbin("post"), new() { Data = test });
        Assert.Equal(200, Status(post1));
        Assert.Equal("test", post1.Json().GetProperty("data").GetString());

        test = new MemoryStream("test"u8.ToArray());
        test.Seek(2, SeekOrigin.Begin);
        var post2 = await Requests.PostAsync(httpbin("post"), new() { Data = test });
        Assert.Equal(200, Status(post2));
        Assert.Equal("st", post2.Json().GetProperty("data").GetString());
    }

    [Fact]
    public async Task test_POSTBIN_GET_POST_FILES_WITH_DATA()
    {
        var url = httpbin("post");
        (await Requests.PostAsync(url)).RaiseForStatus();

        var post1 = await Requests.PostAsync(url, new() { Data = new Dictionary<string, string> { ["some"] = "data" } });
        Assert.Equal(200, Status(post1));

        var post2 = await PostRequirementsDevAsync(url, data: new Dictionary<string, string> { ["some"] = "data" });
        Assert.Equal(200, Status(post2));

        var post4 = await Requests.PostAsync(url, new() { Data = "[{\"some\": \"json\"}]" });
        Assert.Equal(200, Status(post4));

        // requests' files=["bad file data"] (ValueError) does not compile in C#: FileMap holds FileItem values.
    }

    [Fact]
    public async Task test_post_with_custom_mapping()
    {
        // A mapping of requests' MutableMapping kind: any sequence of pairs, here a SortedList.
        var data = new SortedList<string, string?> { ["some"] = "data" };
        var url = httpbin("post");

        var foundJson = (await Requests.PostAsync(url, new() { Data = RequestData.FromForm(data) })).Json().GetProperty("form");

        var form = foundJson.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(new Dictionary<string, string?> { ["some"] = "data" }, form);
    }

    [Fact]
    public async Task test_conflicting_post_params()
    {
        var url = httpbin("post");
        var path = TempFile(RequirementsDev);
        await using var f = File.OpenRead(path);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => Requests.PostAsync(url, new()
        {
            Data = "[{\"some\": \"data\"}]",
            Files = new() { ["some"] = new FileItem(Path.GetFileName(path), f) },
        }));
    }

    [Fact]
    public async Task test_different_encodings_dont_break_post()
    {
        using var f = new MemoryStream(SampleFile);

        var r = await Requests.PostAsync(httpbin("post"), new()
        {
            Data = new Dictionary<string, string> { ["stuff"] = "{\"a\": 123}" },
            Params = new() { ["blah"] = "asdf1234" },
            Files = new() { ["file"] = new FileItem("test_requests.py", f) },
        });

        Assert.Equal(200, Status(r));
    }

    [Fact]
    public async Task test_post_named_tempfile()
    {
        var path = TempFile("named temp file contents\n");
        Response r;
        await using (var f = File.OpenRead(path))
        {
            r = await Requests.PostAsync(httpbin("post"), new() { Files = new() { ["file"] = new FileItem(Path.GetFileName(path), f) } });
        }
        Assert.Equal(200, Status(r));
        Assert.Equal("named temp file contents\n", r.Json().GetProperty("files").GetProperty("file").GetString());
    }

    [Fact]
    public async Task test_post_getattr_proxy_read_only()
    {
        // requests' ReadProxy exposes read() and nothing to iterate or seek: a stream that only reads forward.
        var r = await Requests.PostAsync(httpbin("post"), new() { Data = new ForwardOnlyStream("streamed body") });

        Assert.Equal(200, Status(r));
        Assert.Equal("streamed body", r.Json().GetProperty("data").GetString());
    }

    [Theory]
    [InlineData("ëlïxr")]
    [InlineData("elixr")]
    public async Task test_unicode_multipart_post(string stuff)
    {
        using var f = new MemoryStream(SampleFile);

        var r = await Requests.PostAsync(httpbin("post"), new()
        {
            Data = new Dictionary<string, string> { ["stuff"] = stuff },
            Files = new() { ["file"] = new FileItem("test_requests.py", f) },
        });

        Assert.Equal(200, Status(r));
    }

    [Fact]
    public async Task test_unicode_method_name()
    {
        using var f = new MemoryStream(SampleFile);
        var files = new FileMap { ["file"] = new FileItem("test_requests.py", f) };

        var r = await Requests.RequestAsync("POST", httpbin("post"), new() { Files = files });

        Assert.Equal(200, Status(r));
    }

    [Fact]
    public async Task test_unicode_method_name_with_request_object()
    {
        using var s = new Session();
        using var f = new MemoryStream(SampleFile);
        var files = new FileMap { ["file"] = new FileItem("test_requests.py", f) };
        var req = new Request("POST", httpbin("post")) { Files = files };

        var prep = s.PrepareRequest(req);
        Assert.Equal("POST", prep.Method);

        var resp = await s.SendAsync(prep);
        Assert.Equal(200, Status(resp));
    }

    [Fact]
    public async Task test_custom_content_type()
    {
        // requests encodes file objects into the body up front; Pipeline keeps the whole body only for byte[] file
        // content (README: multipart file streams are streamed), so the files are given as bytes.
        var data = new Dictionary<string, string> { ["stuff"] = "{\"a\": 123}" };
        var files = new FileMap
        {
            ["file1"] = new FileItem("test_requests.py", SampleFile),
            ["file2"] = new FileItem("test_requests", SampleFile, "text/py-content-type"),
        };

        var r = await Requests.PostAsync(httpbin("post"), new() { Data = data, Files = files });

        Assert.Equal(200, Status(r));
        Assert.Contains("text/py-content-type", Encoding.Latin1.GetString(r.Request.Body ?? []), StringComparison.Ordinal);
    }

    [Fact]
    public void test_can_send_objects_with_files()
    {
        // requests' rows "foo", b"foo" and bytearray(b"foo") are one value in C#: the bytes of a file item.
        var data = new Dictionary<string, string> { ["a"] = "this is a string" };
        var files = new FileMap { ["b"] = new FileItem("b", "foo"u8.ToArray()) };

        var p = Prepare(new Request("POST", httpbin("post")) { Data = data, Files = files });

        Assert.Contains("multipart/form-data", p.Headers["Content-Type"], StringComparison.Ordinal);
    }

    private async Task<Response> PostRequirementsDevAsync(string url, Dictionary<string, string>? data)
    {
        await using var f = File.OpenRead(TempFile(RequirementsDev));
        return await Requests.PostAsync(url, new() { Data = data, Files = new() { ["some"] = new FileItem("requirements-dev.txt", f) } });
    }
}
