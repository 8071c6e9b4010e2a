random1.tail.0123456789abcdef

edge_nodes	0-2,4,6-9 

model_hash0000000000000000