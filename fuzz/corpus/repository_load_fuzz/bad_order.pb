random1.tail.0123456789abcdef

edge_nodes5,3 

model_hash0000000000000000