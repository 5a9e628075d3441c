using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using HealthyApi.Tests.Infrastructure;

namespace HealthyApi.Tests.Api;

public sealed class NotesTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private HttpClient App => fixture.Service.App;

    [Fact]
    public async Task Created_note_can_be_read_back()
    {
        var created = await App.PostAsJsonAsync("/api/notes", new { text = "  buy milk  " });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var note = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = note.GetProperty("id").GetInt64();
        Assert.Equal("buy milk", note.GetProperty("text").GetString());
        Assert.Equal($"/api/notes/{id}", created.Headers.Location?.OriginalString);

#if (redis)
        // The shared Redis serves the services of every test, each with a database of its own, so another
        // test's note with this id may be cached already: start from a cold cache.
        var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync((await SharedServers.GetAsync()).Redis);
        await redis.GetDatabase().KeyDeleteAsync($"notes:{id}");
        redis.Dispose();

        var first = await App.GetAsync($"/api/notes/{id}");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("miss", first.Headers.GetValues("X-Cache").Single());

        var second = await App.GetAsync($"/api/notes/{id}");
        Assert.Equal("hit", second.Headers.GetValues("X-Cache").Single());
        var body = await second.Content.ReadFromJsonAsync<JsonElement>();
#else
        var read = await App.GetAsync($"/api/notes/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var body = await read.Content.ReadFromJsonAsync<JsonElement>();
#endif
        Assert.Equal(id, body.GetProperty("id").GetInt64());
        Assert.Equal("buy milk", body.GetProperty("text").GetString());
    }

    [Fact]
    public async Task List_returns_newest_first_and_honours_the_limit()
    {
        var texts = new[] { "first " + Guid.NewGuid(), "second " + Guid.NewGuid(), "third " + Guid.NewGuid() };
        foreach (var text in texts)
        {
            (await App.PostAsJsonAsync("/api/notes", new { text })).EnsureSuccessStatusCode();
        }

        var page = await App.GetFromJsonAsync<JsonElement[]>("/api/notes?limit=2");
        Assert.NotNull(page);
        Assert.Equal(2, page.Length);
        Assert.Equal(texts[2], page[0].GetProperty("text").GetString());
        Assert.Equal(texts[1], page[1].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("{\"text\":\"\"}", "text")]
    [InlineData("{\"text\":\"   \"}", "text")]
    [InlineData("{}", "text")]
    public async Task Invalid_note_is_rejected_with_a_validation_problem(string json, string field)
    {
        var response = await App.PostAsync("/api/notes", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Too_long_note_is_rejected_and_nothing_is_stored()
    {
        var marker = Guid.NewGuid().ToString("N");
        var response = await App.PostAsJsonAsync("/api/notes", new { text = marker + new string('x', 2001) });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var latest = await App.GetFromJsonAsync<JsonElement[]>("/api/notes?limit=100");
        Assert.DoesNotContain(latest!, n => n.GetProperty("text").GetString()!.StartsWith(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var response = await App.PostAsync("/api/notes", new StringContent("{\"text\":", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"text\":", "malformed JSON")]
    [InlineData("null", "null")]
    [InlineData("[]", "an array")]
    [InlineData("{\"text\":5}", "a number for text")]
    [InlineData("\"buy milk\"", "a bare string")]
    public async Task A_body_that_is_not_a_note_is_a_400_problem_details(string json, string what)
    {
        var response = await App.PostAsync("/api/notes", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("status").GetInt32() == 400, $"{what}: {problem}");
    }

    [Fact]
    public async Task Text_postgres_cannot_store_is_a_400_problem_not_a_500()
    {
        var nul = await App.PostAsync("/api/notes", new StringContent("{\"text\":\"a\\u0000b\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        var problem = await nul.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("NUL", problem.GetProperty("errors").GetProperty("text")[0].GetString());

        // A lone surrogate is not text: the JSON reader refuses it before the endpoint runs.
        var surrogate = await App.PostAsync("/api/notes", new StringContent("{\"text\":\"a\\ud800b\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, surrogate.StatusCode);
        Assert.Equal("application/problem+json", surrogate.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Exception", fixture.Service.Output);
    }

    [Fact]
    public async Task Length_counts_code_points_so_1500_emoji_fit_and_2001_letters_do_not()
    {
        var emoji = string.Concat(Enumerable.Repeat("\U0001F600", 1500)); // 3000 UTF-16 units, 1500 characters
        var fits = await App.PostAsJsonAsync("/api/notes", new { text = emoji });
        Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
        var id = (await fits.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(emoji, (await App.GetFromJsonAsync<JsonElement>($"/api/notes/{id}")).GetProperty("text").GetString());

        var tooLong = await App.PostAsJsonAsync("/api/notes", new { text = new string('a', 2001) });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("code points (got 2001)", await tooLong.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_larger_than_a_note_can_be_is_refused_before_it_is_sent()
    {
        // 10 MB announced, 1 KB sent: the 413 must come back without the server waiting for the rest.
        using var socket = await RawHttp.ConnectAsync(fixture.Service.AppPort);
        var head = "POST /api/notes HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 10485760\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head + "{\"text\":\"" + new string('a', 1000)));

        Assert.Equal(413, await RawHttp.ReadStatusAsync(socket, TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public async Task List_limit_out_of_range_is_a_validation_problem(int limit)
    {
        var response = await App.GetAsync($"/api/notes?limit={limit}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
    }

    [Fact]
    public async Task Unknown_note_is_404()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await App.GetAsync("/api/notes/987654321")).StatusCode);
    }

    [Fact]
    public async Task Wrong_method_is_405_with_allow_and_unknown_path_is_404()
    {
        var wrongMethod = await App.DeleteAsync("/api/notes/1");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Contains("GET", wrongMethod.Content.Headers.Allow);

        Assert.Equal(HttpStatusCode.NotFound, (await App.GetAsync("/api/nope")).StatusCode);
    }

    [Fact]
    public async Task Root_names_the_service_and_its_version()
    {
        var info = await App.GetFromJsonAsync<JsonElement>("/");

        Assert.Equal("HealthyApi", info.GetProperty("service").GetString());
        Assert.StartsWith("1.0.0", info.GetProperty("version").GetString());
    }
}
