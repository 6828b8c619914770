module execns.example/execns-join-go

go 1.19
