namespace BlazorTickets.Features.Api.Resources;

public static class CustomerApi
{
    public static void Map(RouteGroupBuilder api)
    {
    }
}
