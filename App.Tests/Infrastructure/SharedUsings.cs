global using BlazorTickets.Shared;
