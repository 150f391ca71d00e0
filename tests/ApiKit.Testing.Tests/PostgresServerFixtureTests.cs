using Npgsql;

namespace ApiKit.Testing.Tests;

public sealed class PostgresServerFixtureTests : IClassFixture<PostgresServerFixture>
{
    private readonly PostgresServerFixture _postgres;

    public PostgresServerFixtureTests(PostgresServerFixture postgres) => _postgres = postgres;

    [Fact]
    public async Task ConnectionString_ReachesServer()
    {
        await using var connection = new NpgsqlConnection(_postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select current_setting('port')::int", connection);

        Assert.Equal(_postgres.Port, (int)(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task RestartAfterCrash_KeepsCommittedData()
    {
        await _postgres.PsqlAsync("create table if not exists survivors(id int primary key); insert into survivors values (1) on conflict do nothing;");

        await _postgres.RestartAsync(crash: true);

        Assert.Equal("1", await _postgres.PsqlAsync("select count(*) from survivors"));
    }
}
